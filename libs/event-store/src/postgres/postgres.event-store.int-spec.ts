// Runs the shared EventStore contract against a real PostgreSQL server (EVENT_STORE_PG_URL_TEST).
// Nothing is mocked. Each test gets a fresh schema, and all schemas of this run are dropped
// afterwards.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { escapeIdentifier, Pool } from 'pg';
import { EventMetadata } from '@team-access/contracts';
import { NewEvent, RecordedEvent } from '../event-store.port';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres.event-store';

const connectionString =
  process.env.EVENT_STORE_PG_URL_TEST ?? 'postgres://team_access:team_access@127.0.0.1:55432/team_access_test';
const runId = randomBytes(4).toString('hex');
const createdSchemas: string[] = [];
const logger = pino({ level: 'silent' });
let adminPool: Pool;

beforeAll(() => {
  adminPool = new Pool({ connectionString, max: 2 });
});

afterAll(async () => {
  for (const schema of createdSchemas) {
    await adminPool.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(schema)} CASCADE`);
  }
  await adminPool.end();
});

async function startStore(pollIntervalMs?: number): Promise<PostgresEventStore> {
  const schema = `es_test_${runId}_${createdSchemas.length}`;
  createdSchemas.push(schema);
  return PostgresEventStore.start({ connectionString, schema, logger, pollIntervalMs });
}

async function waitFor(condition: () => boolean, description: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${deadlineMs} ms waiting for ${description}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function newEvent(type: string, eventId: string): NewEvent {
  const metadata: EventMetadata = {
    eventId,
    correlationId: 'c',
    causationId: null,
    actor: { kind: 'system', name: 'test' },
    organizationId: 'org',
    occurredAt: '2025-01-01T00:00:00.000Z',
  };
  return { type, schemaVersion: 1, data: {}, metadata };
}

describeEventStoreContract('PostgreSQL', { createStore: () => startStore(), contiguousPositions: true });

describe('PostgresEventStore', () => {
  it('creates its schema idempotently', async () => {
    const first = await startStore();
    const schema = createdSchemas[createdSchemas.length - 1];
    const second = await PostgresEventStore.start({ connectionString, schema, logger });

    try {
      expect(await second.headPosition()).toBe(0);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('rejects an event id that is already stored', async () => {
    const store = await startStore();
    const event = newEvent('thing.created', '6f1c2a4e-8d1b-4c55-9a0e-2f7f3b1d9c11');

    try {
      await store.append('a', [event], 'no_stream');

      await expect(store.append('b', [event], 'no_stream')).rejects.toThrow('is already stored');
      expect(await store.headPosition()).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('wakes subscriptions by NOTIFY', async () => {
    // A one-minute poll interval leaves NOTIFY as the only way to deliver within the deadline.
    const store = await startStore(60_000);
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ fromPosition: 0, handler: async (event) => void received.push(event) });

    try {
      await store.append('a', [newEvent('first', '0d7e7a51-3d47-4a2b-9d2a-6f0e6d1c0a01')], 'no_stream');
      await waitFor(() => received.length === 1, 'the first event', 5_000);
      await store.append('a', [newEvent('second', '0d7e7a51-3d47-4a2b-9d2a-6f0e6d1c0a02')], 0);
      await waitFor(() => received.length === 2, 'the event announced by NOTIFY', 5_000);

      expect(received.map((event) => event.type)).toEqual(['first', 'second']);
    } finally {
      await subscription.stop();
      await store.close();
    }
  });

  it('delivers by polling when no NOTIFY arrives', async () => {
    const store = await startStore(250);
    const schema = escapeIdentifier(createdSchemas[createdSchemas.length - 1]);
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ fromPosition: 0, handler: async (event) => void received.push(event) });

    try {
      await insertWithoutNotify(schema, newEvent('silent.written', '0d7e7a51-3d47-4a2b-9d2a-6f0e6d1c0a03'));
      await waitFor(() => received.length === 1, 'the event written without NOTIFY', 5_000);

      expect(received[0].type).toBe('silent.written');
      expect(received[0].position).toBe(1);
    } finally {
      await subscription.stop();
      await store.close();
    }
  });
});

/** Writes one event as the first of the store, the way append does but without pg_notify. */
async function insertWithoutNotify(schema: string, event: NewEvent): Promise<void> {
  const client = await adminPool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`UPDATE ${schema}.position_counter SET last_position = last_position + 1 WHERE id = 1`);
    await client.query(
      `INSERT INTO ${schema}.events (position, stream_id, revision, event_id, type, schema_version, data, metadata)
       VALUES (1, 'silent', 0, $1, $2, 1, '{}', $3)`,
      [event.metadata.eventId, event.type, JSON.stringify(event.metadata)],
    );
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
