// Runs PersonalDataVault on PostgresSubjectKeyStore against a real PostgreSQL server
// (EVENT_STORE_PG_URL_TEST). Nothing is mocked. The test uses a fresh schema and drops it
// afterwards.
import { randomBytes } from 'node:crypto';
import { escapeIdentifier, Pool } from 'pg';
import { PersonalDataVault } from './personal-data-vault';
import { PostgresSubjectKeyStore } from './postgres-subject-key-store';

const connectionString =
  process.env.EVENT_STORE_PG_URL_TEST ?? 'postgres://team_access:team_access@127.0.0.1:55432/team_access_test';
const schema = `pd_test_${randomBytes(4).toString('hex')}`;
const masterKey = randomBytes(32);
let pool: Pool;
let vault: PersonalDataVault;

beforeAll(async () => {
  pool = new Pool({ connectionString, max: 4 });
  vault = new PersonalDataVault(await PostgresSubjectKeyStore.start({ pool, masterKey, schema }));
});

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
  await pool.end();
});

describe('PersonalDataVault on PostgreSQL', () => {
  it('seals, opens and erases', async () => {
    const sealed = await vault.seal('member-1', 'ada@example.org');

    expect(await vault.open(sealed)).toBe('ada@example.org');
    await vault.erase('member-1');
    expect(await vault.open(sealed)).toBeNull();
    await expect(vault.seal('member-1', 'again')).rejects.toThrow('was erased');
  });

  it('stores only wrapped keys and keeps the erasure record', async () => {
    await vault.seal('member-2', 'grace@example.org');
    await vault.erase('member-2');

    const { rows } = await pool.query<{ wrapped_key: Buffer | null; erased_at: Date | null }>(
      `SELECT wrapped_key, erased_at FROM ${escapeIdentifier(schema)}.subject_keys WHERE subject_id = $1`,
      ['member-2'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].wrapped_key).toBeNull();
    expect(rows[0].erased_at).toBeInstanceOf(Date);
  });

  it('gives racing first seals the same key', async () => {
    const sealed = await Promise.all(Array.from({ length: 8 }, (_, i) => vault.seal('member-3', `value-${i}`)));

    const opened = await Promise.all(sealed.map((value) => vault.open(value)));

    expect(opened).toEqual(Array.from({ length: 8 }, (_, i) => `value-${i}`));
  });

  it('opens nothing with another master key', async () => {
    const sealed = await vault.seal('member-4', 'ada@example.org');
    const otherVault = new PersonalDataVault(
      await PostgresSubjectKeyStore.start({ pool, masterKey: randomBytes(32), schema }),
    );

    await expect(otherVault.open(sealed)).rejects.toThrow('master key differs');
  });

  it('reopens the schema idempotently', async () => {
    const sealed = await vault.seal('member-5', 'kept');
    const reopened = new PersonalDataVault(await PostgresSubjectKeyStore.start({ pool, masterKey, schema }));

    expect(await reopened.open(sealed)).toBe('kept');
  });
});
