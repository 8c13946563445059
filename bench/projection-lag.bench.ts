// Projection lag from append to read model at a sustained append rate (default 200 events/s).
// A writer appends `inbox.member.invited` events to the PostgreSQL event store, and the
// projection runner applies them to FerretDB. Each event's lag runs from the moment its append
// returned to the moment the runner reported its position applied. The raw baseline, in the
// same run, times one MongoDB upsert per event at the same rate.
//
// Run: npm run bench:projection-lag   (needs the local stack: bash scripts/stack.sh up)
import { randomBytes, randomUUID } from 'node:crypto';
import { mongo } from 'mongoose';
import pino from 'pino';
import { event } from '@team-access/contracts';
import { PostgresEventStore } from '@team-access/event-store';
import { ProjectionRunner } from '@team-access/projections';
import { inboxProjection } from '../apps/inbox/src/memberships/memberships.projection';
import { MONGODB_SERVER } from '../test/support/system';
import { formatSummary } from './stats';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://team_access:team_access@127.0.0.1:55432/team_access_test';

async function main(): Promise<void> {
  const runId = randomBytes(4).toString('hex');
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const store = await PostgresEventStore.start({ connectionString: PG_URL, schema: `bench_${runId}`, logger });
  const client = await mongo.MongoClient.connect(MONGODB_SERVER);
  const db = client.db(`bench_lag_${runId}`);
  const runner = new ProjectionRunner({ projection: inboxProjection, store, db, logger });
  await runner.start();

  try {
    const lags = await appendAtRate(store, runner, RATE, SECONDS, runId);
    const baseline = await baselineAtRate(db, RATE, Math.min(SECONDS, 10));
    console.log(formatSummary(`projection lag at ${RATE} events/s for ${SECONDS} s`, lags));
    console.log(formatSummary(`raw baseline: one MongoDB upsert per event at ${RATE} events/s`, baseline));
  } finally {
    await runner.stop();
    await store.close();
    await db.dropDatabase();
    await client.close();
    await dropSchema(`bench_${runId}`);
  }
}

async function appendAtRate(store: PostgresEventStore, runner: ProjectionRunner, rate: number, seconds: number, runId: string): Promise<number[]> {
  const total = rate * seconds;
  const intervalMs = 1000 / rate;
  const started = performance.now();
  const pending: Array<Promise<number>> = [];

  for (let index = 0; index < total; index++) {
    const due = started + index * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }

    const inboxId = randomUUID();
    const memberId = randomUUID();
    const invited = event('inbox.member.invited', {
      organizationId: `bench-${runId}`,
      inboxId,
      inboxName: 'Bench',
      memberId,
      loginName: `lag-${index}@contoso.example`,
      tier: 'member',
      role: 'default',
    });
    const result = await store.append(`inbox-${inboxId}`, [{ ...invited, metadata: metadata(runId) }], 'no_stream');
    const appendedAt = performance.now();
    pending.push(runner.waitForPosition(result.lastPosition, 10_000).then(() => performance.now() - appendedAt));
  }
  return Promise.all(pending);
}

async function baselineAtRate(db: mongo.Db, rate: number, seconds: number): Promise<number[]> {
  const durations: number[] = [];
  const intervalMs = 1000 / rate;
  const started = performance.now();
  for (let index = 0; index < rate * seconds; index++) {
    const wait = started + index * intervalMs - performance.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const begin = performance.now();
    await db.collection<{ _id: string }>('baseline').updateOne({ _id: randomUUID() }, { $set: { index, status: 'invited' } }, { upsert: true });
    durations.push(performance.now() - begin);
  }
  return durations;
}

function metadata(runId: string) {
  return {
    eventId: randomUUID(),
    correlationId: `bench-${runId}`,
    causationId: null,
    actor: { kind: 'system' as const, name: 'bench' },
    organizationId: `bench-${runId}`,
    occurredAt: new Date().toISOString(),
  };
}

async function dropSchema(schema: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
