// Real: PostgreSQL at EVENT_STORE_PG_URL_TEST and PostgresCheckpointStore. Mocked: nothing.
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresCheckpointStore } from './checkpoint-store';

const PG_URL = process.env.EVENT_STORE_PG_URL_TEST ?? 'postgres://team_access:team_access@127.0.0.1:55432/team_access_test';

describe('PostgresCheckpointStore', () => {
  let pool: Pool;

  beforeAll(() => {
    pool = new Pool({ connectionString: PG_URL });
  });

  afterAll(async () => {
    await pool.end();
  });

  it('stores and reloads a position', async () => {
    const store = new PostgresCheckpointStore(pool);
    await store.ensureSchema();
    await store.ensureSchema();
    const name = `relay-${randomUUID()}`;

    expect(await store.load(name)).toBe(0);
    await store.save(name, 41);
    await store.save(name, 42);

    expect(await new PostgresCheckpointStore(pool).load(name)).toBe(42);
  });
});
