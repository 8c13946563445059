// Real: Kafka, FerretDB and PostgreSQL of the local stack. Nothing is mocked. The test cuts the
// service's PostgreSQL connections from the server side, as a PostgreSQL restart does.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { ServiceInfrastructure } from './service-infrastructure';

const PG_URL = process.env.EVENT_STORE_PG_URL_TEST ?? 'postgres://team_access:team_access@127.0.0.1:55432/team_access_test';
const MONGODB_SERVER = process.env.E2E_MONGODB_SERVER ?? 'mongodb://127.0.0.1:27117';
const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

describe('ServiceInfrastructure', () => {
  const runId = randomBytes(4).toString('hex');
  let infrastructure: ServiceInfrastructure;

  beforeAll(async () => {
    const keyFile = join(mkdtempSync(join(tmpdir(), 'keys-')), 'master.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    infrastructure = await ServiceInfrastructure.start(
      {
        serviceName: `infra-test-${runId}`,
        kafkaBrokers: KAFKA_BROKERS,
        mongodbUrl: `${MONGODB_SERVER}/infra_test_${runId}`,
        eventStore: {
          kind: 'postgres',
          postgresUrl: PG_URL,
          postgresSchema: `infra_test_${runId}`,
          personalDataMasterKeyFile: keyFile,
          topic: `infra-test-${runId}.events`,
          projections: [],
        },
        topics: [`infra-test-${runId}.events`],
      },
      pino({ level: 'silent' }),
    );
  });

  afterAll(async () => {
    await infrastructure.db.dropDatabase();
    await infrastructure.stop();
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS infra_test_${runId} CASCADE`);
    await client.end();
  });

  it('survives PostgreSQL closing its connections', async () => {
    expect((await infrastructure.health()).status).toBe('ok');

    const admin = new Client({ connectionString: PG_URL });
    await admin.connect();
    const terminated = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename = 'team_access'",
    );
    await admin.end();
    expect(terminated.rowCount).toBeGreaterThan(0);

    // An unhandled pool 'error' event would have ended this process before the next line ran.
    const deadline = Date.now() + 10_000;
    let report = await infrastructure.health();
    while (report.status !== 'ok' && Date.now() < deadline) {
      report = await infrastructure.health();
    }
    expect(report.checks.eventStore).toEqual({ status: 'ok' });
  });
});
