// Real: FerretDB (or MongoDB) at MONGODB_URL, ProjectionRunner, the in-memory event store.
// Mocked: nothing.
import { randomUUID } from 'node:crypto';
import { InMemoryEventStore, RecordedEvent } from '@team-access/event-store';
import { Connection, mongo } from 'mongoose';
import pino from 'pino';
import { testEvent, waitUntil } from '../../messaging/src/testing/test-events';
import { createMongoConnection, databaseOf } from './mongo.connection';
import { Projection } from './projection';
import { resolveCollection } from './projection-aliases';
import { ProjectionRunner, ProjectionTimeoutError } from './projection-runner';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const MONGODB_URL = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/team_access_test';

/** Counts events per key; `$inc` makes a double application visible. */
function countingProjection(name: string, version: number): Projection {
  return {
    name,
    version,
    collections: [`${name}_counters`],
    indexes: { [`${name}_counters`]: [{ name: 'last_n', key: { lastN: 1 } }] },
    project: (event: RecordedEvent) => {
      const data = event.data as { key: string; n: number };
      return [
        {
          collection: `${name}_counters`,
          updateOne: { filter: { _id: data.key }, update: { $inc: { count: 1 }, $set: { lastN: data.n } }, upsert: true },
        },
      ];
    },
  };
}

async function appendNumbered(store: InMemoryEventStore, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n += 1) {
    await store.append(`stream-${n % 3}`, [testEvent('test.numbered', { key: `key-${n % 3}`, n })], 'any');
  }
}

async function documents(db: mongo.Db, collection: string): Promise<mongo.Document[]> {
  return db.collection(collection).find({}).sort({ _id: 1 }).toArray();
}

describe('ProjectionRunner on FerretDB', () => {
  let connection: Connection;
  let db: mongo.Db;

  beforeAll(async () => {
    connection = await createMongoConnection(MONGODB_URL, { logger });
    db = databaseOf(connection);
  });

  afterAll(async () => {
    await connection.close();
  });

  it('rebuild from zero equals the live run', async () => {
    const name = `counting_${randomUUID().slice(0, 8)}`;
    const store = new InMemoryEventStore({ logger });
    await appendNumbered(store, 0, 15);
    const live = new ProjectionRunner({ projection: countingProjection(name, 1), store, db, logger, maxBatchSize: 4 });

    await live.start();
    await appendNumbered(store, 15, 30);
    await live.waitForPosition(30, 20_000);
    await live.stop();
    const liveDocuments = await documents(db, `${name}_counters_v1`);

    const rebuilt = new ProjectionRunner({ projection: countingProjection(name, 2), store, db, logger, maxBatchSize: 7 });
    const position = await rebuilt.rebuild();
    const rebuiltDocuments = await documents(db, `${name}_counters_v2`);

    expect(position).toBe(30);
    expect(liveDocuments).toEqual([
      { _id: 'key-0', count: 10, lastN: 27, lastPosition: 28 },
      { _id: 'key-1', count: 10, lastN: 28, lastPosition: 29 },
      { _id: 'key-2', count: 10, lastN: 29, lastPosition: 30 },
    ]);
    expect(rebuiltDocuments).toEqual(liveDocuments);
    expect(await resolveCollection(db, `${name}_counters`)).toBe(`${name}_counters_v2`);
  });

  it('duplicate delivery does not double-apply', async () => {
    const name = `counting_${randomUUID().slice(0, 8)}`;
    const store = new InMemoryEventStore({ logger });
    await appendNumbered(store, 0, 9);
    const runner = new ProjectionRunner({ projection: countingProjection(name, 1), store, db, logger });
    const events = await store.readAll({ fromPosition: 0, maxCount: 100 });

    await runner.applyBatch(events);
    const once = await documents(db, `${name}_counters_v1`);
    const replayAll = await runner.applyBatch(events);
    const replayTail = await runner.applyBatch(events.slice(4));
    const twice = await documents(db, `${name}_counters_v1`);

    expect(once.map((document) => document.count)).toEqual([3, 3, 3]);
    expect(twice).toEqual(once);
    expect(replayAll).toEqual({ applied: 0, alreadyApplied: 9 });
    expect(replayTail).toEqual({ applied: 0, alreadyApplied: 5 });
    expect(runner.position).toBe(9);
  });

  it('resumes from its stored checkpoint', async () => {
    const name = `counting_${randomUUID().slice(0, 8)}`;
    const store = new InMemoryEventStore({ logger });
    await appendNumbered(store, 0, 6);
    const first = new ProjectionRunner({ projection: countingProjection(name, 1), store, db, logger });
    await first.start();
    await first.waitForPosition(6, 20_000);
    await first.stop();

    await appendNumbered(store, 6, 9);
    const second = new ProjectionRunner({ projection: countingProjection(name, 1), store, db, logger });
    await second.start();
    await second.waitForPosition(9, 20_000);
    await second.stop();

    const counts = (await documents(db, `${name}_counters_v1`)).map((document) => document.count);
    expect(counts).toEqual([3, 3, 3]);
  });

  it('waitForPosition times out', async () => {
    const store = new InMemoryEventStore({ logger });
    const runner = new ProjectionRunner({ projection: countingProjection(`counting_${randomUUID().slice(0, 8)}`, 1), store, db, logger });
    await runner.start();

    await expect(runner.waitForPosition(5, 100)).rejects.toBeInstanceOf(ProjectionTimeoutError);
    await runner.stop();
  });
});
