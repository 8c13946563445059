/**
 * EventStoreDB adapter of the EventStore port (@eventstore/db-client 6.x).
 *
 * `position` is the event's commit position in $all. Commit positions are byte offsets in the
 * server's transaction log, so they grow strictly but are not contiguous: positions 1, 2, 3, …
 * hold only for the PostgreSQL and in-memory adapters. The contract suite therefore checks
 * strictly ascending positions plus complete, duplicate-free delivery for this adapter.
 *
 * The schema version travels in the ESDB event metadata as `schemaVersion`, next to the
 * EventMetadata fields. System events (streams and types starting with `$`) are left out of
 * readAll, headPosition and subscriptions.
 */
import pino, { Logger } from 'pino';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  JSONType,
  NO_STREAM,
  Position,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  AppendExpectedRevision,
  AllStreamResolvedEvent,
  ResolvedEvent,
} from '@eventstore/db-client';
import { EventMetadata } from '@team-access/contracts';
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
import { assertValidAppend, assertValidReadAll, NO_STREAM_REVISION } from '../internal/append-rules';
import { startEventStoreDbSubscription } from './eventstoredb-subscription';

export interface EventStoreDbEventStoreOptions {
  /** A client owned by the caller, which `close()` leaves open. Give this or `connectionString`. */
  client?: EventStoreDBClient;
  /** `esdb://` connection string for a client that the store creates and `close()` disposes. */
  connectionString?: string;
  logger?: Logger;
}

type StoredMetadata = EventMetadata & { schemaVersion: number };

const HEAD_SCAN_BATCH_SIZE = 100;

export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;
  private readonly logger: Logger;
  private readonly subscriptions = new Set<SubscriptionHandle>();
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    if (options.client !== undefined) {
      this.client = options.client;
      this.ownsClient = false;
    } else if (options.connectionString !== undefined) {
      this.client = EventStoreDBClient.connectionString(options.connectionString);
      this.ownsClient = true;
    } else {
      throw new Error('EventStoreDB event store: neither client nor connectionString is set. Pass one of them.');
    }
    this.logger = options.logger ?? pino({ name: 'eventstoredb-event-store' });
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(streamId, events, expected);
    const eventData = events.map((event) => toEventData(streamId, event));

    try {
      const result = await this.client.appendToStream(streamId, eventData, {
        expectedRevision: toExpectedRevision(expected),
      });
      // NOTE: the client types mark `position` optional; a missing one is reported as -1.
      const lastPosition = result.position === undefined ? -1 : toSafeNumber(result.position.commit, 'commit position');
      return { nextExpectedRevision: toSafeNumber(result.nextExpectedRevision, 'revision'), lastPosition };
    } catch (error: unknown) {
      if (error instanceof WrongExpectedVersionError) {
        const actual =
          error.actualVersion === NO_STREAM ? NO_STREAM_REVISION : toSafeNumber(error.actualVersion, 'revision');
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw error;
    }
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const fromRevision = options.fromRevision ?? 0;

    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, { fromRevision: BigInt(fromRevision), direction: FORWARDS });
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event !== null) {
          events.push(event);
        }
      }
    } catch (error: unknown) {
      if (error instanceof StreamNotFoundError) {
        return [];
      }
      throw error;
    }
    return events;
  }

  /**
   * Reads $all after `fromPosition`, skipping system events. ESDB starts a read at the given
   * position inclusively, so events at or before the checkpoint are dropped here, and reads
   * repeat until `maxCount` user events are collected or $all ends.
   */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadAll(options);

    const events: RecordedEvent[] = [];
    let cursor: Position | null = options.fromPosition === 0 ? null : positionAt(options.fromPosition);
    while (events.length < options.maxCount) {
      const chunkSize = options.maxCount - events.length + 1;
      const read = this.client.readAll({
        fromPosition: cursor ?? START,
        direction: FORWARDS,
        maxCount: chunkSize,
      });

      let rawCount = 0;
      for await (const resolved of read) {
        rawCount += 1;
        const recorded = resolved.event;
        if (recorded === undefined || (cursor !== null && !isAfter(recorded.position, cursor))) {
          continue;
        }
        cursor = recorded.position;
        const event = toRecordedEvent(resolved);
        if (event !== null && events.length < options.maxCount) {
          events.push(event);
        }
      }
      if (rawCount < chunkSize) {
        break;
      }
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions): SubscriptionHandle {
    this.assertOpen();

    const handle = startEventStoreDbSubscription(
      {
        subscribe: (from) =>
          this.client.subscribeToAll({
            fromPosition: from === 0 ? START : positionAt(from),
            filter: excludeSystemEvents(),
          }),
        toRecordedEvent,
        logger: this.logger,
      },
      options,
    );
    this.subscriptions.add(handle);
    handle.done.catch(() => undefined).finally(() => this.subscriptions.delete(handle));
    return handle;
  }

  /** Returns the commit position of the last user event in $all, scanning back past system events. */
  async headPosition(): Promise<number> {
    this.assertOpen();

    let cursor: Position | typeof END = END;
    for (;;) {
      const read = this.client.readAll({ fromPosition: cursor, direction: BACKWARDS, maxCount: HEAD_SCAN_BATCH_SIZE });
      let rawCount = 0;
      for await (const resolved of read) {
        rawCount += 1;
        const recorded = resolved.event;
        if (recorded === undefined) {
          continue;
        }
        if (!isSystemEvent(recorded.streamId, recorded.type)) {
          return toSafeNumber(recorded.position.commit, 'commit position');
        }
        cursor = recorded.position;
      }
      // A backwards read starting at a position returns the event there again, hence <= 1.
      if (rawCount < HEAD_SCAN_BATCH_SIZE || rawCount <= 1) {
        return 0;
      }
    }
  }

  /** Stops every subscription, and disposes the client when the store created it. */
  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;

    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (this.ownsClient) {
      await this.client.dispose();
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error('EventStoreDB event store is closed. Create a new EventStoreDbEventStore.');
    }
  }
}

function toEventData(streamId: string, event: NewEvent): ReturnType<typeof jsonEvent> {
  if (!isJsonType(event.data)) {
    throw new Error(
      `Append to stream ${streamId} failed: the data of event ${event.metadata.eventId} is ${typeof event.data}. ` +
        'EventStoreDB JSON events take an object, an array or a string.',
    );
  }

  const metadata: StoredMetadata = { ...event.metadata, schemaVersion: event.schemaVersion };
  return jsonEvent({ id: event.metadata.eventId, type: event.type, data: event.data, metadata });
}

function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

/**
 * Converts a resolved ESDB event, or returns null for system events and non-JSON events,
 * which this store never writes.
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | null {
  const recorded = resolved.event;
  if (recorded === undefined || !recorded.isJson || isSystemEvent(recorded.streamId, recorded.type)) {
    return null;
  }

  const { schemaVersion, ...metadata } = (recorded.metadata ?? {}) as Partial<StoredMetadata>;
  return {
    streamId: recorded.streamId,
    revision: toSafeNumber(recorded.revision, 'revision'),
    // NOTE: servers that do not return positions on stream reads give no or a maximal commit
    // position here; such events get position -1.
    position: toPositionNumber(recorded.position),
    type: recorded.type,
    schemaVersion: schemaVersion ?? 1,
    data: recorded.data,
    metadata: metadata as EventMetadata,
    recordedAt: recorded.created,
  };
}

function isSystemEvent(streamId: string, type: string): boolean {
  return streamId.startsWith('$') || type.startsWith('$');
}

function isJsonType(value: unknown): value is JSONType {
  return typeof value === 'string' || (typeof value === 'object' && value !== null);
}

/** Builds the $all position of a commit position taken from `RecordedEvent.position`. */
export function positionAt(commitPosition: number): Position {
  return { commit: BigInt(commitPosition), prepare: BigInt(commitPosition) };
}

function isAfter(position: Position, cursor: Position): boolean {
  return position.commit > cursor.commit || (position.commit === cursor.commit && position.prepare > cursor.prepare);
}

function toPositionNumber(position: Position | undefined): number {
  if (position === undefined || position.commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    return -1;
  }
  return Number(position.commit);
}

function toSafeNumber(value: bigint, name: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`EventStoreDB event store: ${name} ${value} exceeds Number.MAX_SAFE_INTEGER.`);
  }
  return Number(value);
}
