/**
 * PostgreSQL adapter of the EventStore port (node-postgres Pool).
 *
 * Gap-free global order: positions come from a single counter row (`position_counter`),
 * not from a sequence. An append runs in one READ COMMITTED transaction:
 *
 *   1. `UPDATE position_counter SET last_position = last_position + n RETURNING …` takes the
 *      row lock, which is held until COMMIT or ROLLBACK. Appends therefore allocate positions
 *      one transaction at a time, and a rolled-back append also rolls back its allocation, so
 *      positions are contiguous.
 *   2. The expected revision is checked with a new statement after the lock is granted, so
 *      its snapshot contains every append that committed before, the previous holder's too.
 *   3. The events are inserted and `pg_notify` queues a wake-up sent at commit.
 *
 * A waiting appender gets the lock only after the previous holder's commit is visible to new
 * snapshots (PostgreSQL marks a transaction committed in the proc array before it releases its
 * locks). So position p + 1 becomes visible strictly after position p, and a reader whose
 * snapshot contains any position also contains every smaller one. A reader that reads
 * `position > checkpoint ORDER BY position` can never pass a position that commits later.
 *
 * The cost is that appends to the whole store are serialized from step 1 to COMMIT, one
 * commit (with its WAL flush) at a time.
 *
 * Subscriptions read batches after their checkpoint, then wait for a NOTIFY on
 * `<schema>_appended` or the poll interval (250 ms by default), whichever comes first, so a
 * lost notification delays delivery by at most one interval.
 */
import pino, { Logger } from 'pino';
import { DatabaseError, escapeIdentifier, Pool, PoolClient } from 'pg';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionHandle,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { EventMetadata } from '@team-access/contracts';
import { startCatchUpSubscription } from '../internal/catch-up-subscription';
import { assertValidAppend, assertValidReadAll, isExpectedRevisionMet, NO_STREAM_REVISION } from '../internal/append-rules';
import { WakeSignal } from '../internal/wake-signal';
import { PostgresNotificationListener } from './postgres-notification-listener';
import {
  assertValidSchemaName,
  ensureSchema,
  EVENT_ID_CONSTRAINT,
  notificationChannel,
  STREAM_REVISION_CONSTRAINT,
} from './postgres.schema';

export interface PostgresEventStoreOptions {
  /** A pool owned by the caller, which `close()` leaves open. Give this or `connectionString`. */
  pool?: Pool;
  /** Connection string for a pool that the store creates and `close()` ends. */
  connectionString?: string;
  /** Schema holding the tables. Default `event_store`. */
  schema?: string;
  /** Maximum idle wait of a subscription between reads, in ms. Default 250. */
  pollIntervalMs?: number;
  logger?: Logger;
}

interface EventRow {
  position: string;
  stream_id: string;
  revision: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

const DEFAULT_SCHEMA = 'event_store';
const DEFAULT_POLL_INTERVAL_MS = 250;
const UNIQUE_VIOLATION = '23505';
const EVENT_COLUMNS = 'position, stream_id, revision, type, schema_version, data, metadata, recorded_at';

export class PostgresEventStore implements EventStore {
  private readonly schemaSql: string;
  private readonly wakeSignals = new Set<WakeSignal>();
  private readonly subscriptions = new Set<SubscriptionHandle>();
  private readonly listener: PostgresNotificationListener;
  private listenerStarted: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly ownsPool: boolean,
    private readonly schema: string,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {
    this.schemaSql = escapeIdentifier(schema);
    this.listener = new PostgresNotificationListener(pool, notificationChannel(schema), logger, () =>
      this.wakeSubscriptions(),
    );
  }

  /** Connects, creates the schema and tables when missing, and returns the store. */
  static async start(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const schema = options.schema ?? DEFAULT_SCHEMA;
    assertValidSchemaName(schema);
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 1) {
      throw new Error(`PostgreSQL event store: pollIntervalMs ${pollIntervalMs} is invalid. Pass a number of ms >= 1.`);
    }
    const logger = options.logger ?? pino({ name: 'postgres-event-store' });

    const pool = resolvePool(options, logger);
    const store = new PostgresEventStore(pool, options.pool === undefined, schema, pollIntervalMs, logger);
    try {
      await ensureSchema(pool, schema);
    } catch (error: unknown) {
      await store.close().catch(() => undefined);
      throw new Error(`PostgreSQL event store: creating schema ${schema} failed: ${describeError(error)}`, {
        cause: error,
      });
    }

    logger.info({ schema, pollIntervalMs }, 'PostgreSQL event store started');
    return store;
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(streamId, events, expected);

    const client = await this.pool.connect();
    let clientError: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await this.appendInTransaction(client, streamId, events, expected);
      await client.query('COMMIT');
      return result;
    } catch (error: unknown) {
      clientError = await rollback(client, error);
      throw await this.translateAppendError(error, streamId, events, expected);
    } finally {
      client.release(clientError);
    }
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const fromRevision = options.fromRevision ?? 0;

    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.schemaSql}.events
       WHERE stream_id = $1 AND revision >= $2 ORDER BY revision`,
      [streamId, fromRevision],
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadAll(options);

    const { rows } = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.schemaSql}.events
       WHERE position > $1 ORDER BY position LIMIT $2`,
      [options.fromPosition, options.maxCount],
    );
    return rows.map(toRecordedEvent);
  }

  subscribeToAll(options: SubscribeOptions): SubscriptionHandle {
    this.assertOpen();
    this.listenerStarted ??= this.listener.start();

    const handle = startCatchUpSubscription(
      {
        readAll: (readOptions) => this.readAll(readOptions),
        addWakeSignal: (signal) => this.wakeSignals.add(signal),
        removeWakeSignal: (signal) => this.wakeSignals.delete(signal),
        pollIntervalMs: this.pollIntervalMs,
        logger: this.logger,
      },
      options,
    );
    this.subscriptions.add(handle);
    handle.done.catch(() => undefined).finally(() => this.subscriptions.delete(handle));
    return handle;
  }

  /** Returns the last committed position; the counter row is updated in the appending transaction. */
  async headPosition(): Promise<number> {
    this.assertOpen();

    const { rows } = await this.pool.query<{ last_position: string }>(
      `SELECT last_position FROM ${this.schemaSql}.position_counter WHERE id = 1`,
    );
    return rows.length === 0 ? 0 : toSafeNumber(rows[0].last_position, 'last_position');
  }

  /** Stops every subscription and the LISTEN connection, and ends the pool when the store created it. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;

    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.listenerStarted;
    await this.listener.stop();
    if (this.ownsPool) {
      await this.pool.end();
    }
    this.logger.info({ schema: this.schema }, 'PostgreSQL event store closed');
  }

  private async appendInTransaction(
    client: PoolClient,
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    // Step 1: lock the counter row and allocate positions (see the file header).
    const counter = await client.query<{ last_position: string }>(
      `UPDATE ${this.schemaSql}.position_counter SET last_position = last_position + $1
       WHERE id = 1 RETURNING last_position`,
      [events.length],
    );
    if (counter.rows.length === 0) {
      throw new Error(
        `PostgreSQL event store: the position counter row of schema ${this.schema} is missing. ` +
          'Restart the store so that it recreates the row.',
      );
    }
    const lastPosition = toSafeNumber(counter.rows[0].last_position, 'last_position');

    // Step 2: check the revision with a snapshot taken after the lock was granted.
    const actual = await this.readStreamRevision(client, streamId);
    if (!isExpectedRevisionMet(expected, actual)) {
      throw new WrongExpectedRevisionError(streamId, expected, actual);
    }

    // Step 3: insert and notify. jsonb_array_elements numbers the events from 1.
    const payload = events.map((event) => ({
      eventId: event.metadata.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data ?? null,
      metadata: event.metadata,
    }));
    await client.query(
      `INSERT INTO ${this.schemaSql}.events
         (position, stream_id, revision, event_id, type, schema_version, data, metadata)
       SELECT $1::bigint + e.ord, $2, $3::bigint + e.ord, (e.value->>'eventId')::uuid, e.value->>'type',
              (e.value->>'schemaVersion')::integer, e.value->'data', e.value->'metadata'
       FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(value, ord)`,
      [lastPosition - events.length, streamId, actual, JSON.stringify(payload)],
    );
    await client.query('SELECT pg_notify($1, $2)', [notificationChannel(this.schema), String(lastPosition)]);

    return { nextExpectedRevision: actual + events.length, lastPosition };
  }

  private async readStreamRevision(client: PoolClient | Pool, streamId: string): Promise<number> {
    const { rows } = await client.query<{ revision: string | null }>(
      `SELECT max(revision) AS revision FROM ${this.schemaSql}.events WHERE stream_id = $1`,
      [streamId],
    );
    const revision = rows[0]?.revision ?? null;
    return revision === null ? NO_STREAM_REVISION : toSafeNumber(revision, 'revision');
  }

  /**
   * Maps unique violations to the port's errors. A (stream_id, revision) violation means a
   * writer that bypassed the counter lock (for example another tool writing to the table)
   * got there first, so it is reported as WrongExpectedRevisionError with the revision read
   * after the rollback.
   */
  private async translateAppendError(
    error: unknown,
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<unknown> {
    if (!(error instanceof DatabaseError) || error.code !== UNIQUE_VIOLATION) {
      return error;
    }

    if (error.constraint === STREAM_REVISION_CONSTRAINT) {
      const actual = await this.readStreamRevision(this.pool, streamId);
      return new WrongExpectedRevisionError(streamId, expected, actual);
    }
    if (error.constraint === EVENT_ID_CONSTRAINT) {
      const ids = events.map((event) => event.metadata.eventId).join(', ');
      return new Error(
        `Append to stream ${streamId} failed: one of the event ids ${ids} is already stored. ` +
          'Give every event a new id.',
        { cause: error },
      );
    }
    return error;
  }

  private wakeSubscriptions(): void {
    this.wakeSignals.forEach((signal) => signal.notify());
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error(`PostgreSQL event store (schema ${this.schema}) is closed. Start a new store.`);
    }
  }
}

function resolvePool(options: PostgresEventStoreOptions, logger: Logger): Pool {
  if (options.pool !== undefined) {
    return options.pool;
  }
  if (options.connectionString === undefined) {
    throw new Error('PostgreSQL event store: neither pool nor connectionString is set. Pass one of them.');
  }

  const pool = new Pool({ connectionString: options.connectionString });
  // Without a listener, an idle client's connection error would crash the process.
  pool.on('error', (error) => logger.error({ err: error }, 'Idle PostgreSQL connection failed'));
  return pool;
}

/** Rolls back, returning the error to release the client with when the connection is broken. */
async function rollback(client: PoolClient, cause: unknown): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (rollbackError: unknown) {
    return rollbackError instanceof Error ? rollbackError : new Error(describeError(cause));
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    streamId: row.stream_id,
    revision: toSafeNumber(row.revision, 'revision'),
    position: toSafeNumber(row.position, 'position'),
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** Converts a bigint column (returned as a string by node-postgres) to a number. */
function toSafeNumber(value: string, column: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) {
    throw new Error(`PostgreSQL event store: ${column} ${value} exceeds Number.MAX_SAFE_INTEGER.`);
  }
  return parsed;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
