import pino, { Logger } from 'pino';
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
import { startCatchUpSubscription } from '../internal/catch-up-subscription';
import { assertValidAppend, assertValidReadAll, isExpectedRevisionMet, NO_STREAM_REVISION } from '../internal/append-rules';
import { WakeSignal } from '../internal/wake-signal';

export interface InMemoryEventStoreOptions {
  /** Source of `recordedAt`; inject a fixed clock in tests. */
  now?: () => Date;
  logger?: Logger;
}

/**
 * An event store held in process memory, with the port's semantics: atomic appends with
 * revision checks, contiguous positions from 1, and catch-up subscriptions. For unit tests of
 * command handlers and projections. Data and metadata are copied through JSON on the way in
 * and out, like the PostgreSQL adapter's jsonb columns, so a caller mutating a returned event
 * cannot change the store.
 */
export class InMemoryEventStore implements EventStore {
  private readonly events: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly eventIds = new Set<string>();
  private readonly wakeSignals = new Set<WakeSignal>();
  private readonly subscriptions = new Set<SubscriptionHandle>();
  private readonly now: () => Date;
  private readonly logger: Logger;
  private closed = false;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.logger = options.logger ?? pino({ name: 'in-memory-event-store', level: 'warn' });
  }

  async append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(streamId, events, expected);

    const stream = this.streams.get(streamId) ?? [];
    const actual = stream.length > 0 ? stream.length - 1 : NO_STREAM_REVISION;
    if (!isExpectedRevisionMet(expected, actual)) {
      throw new WrongExpectedRevisionError(streamId, expected, actual);
    }
    for (const event of events) {
      if (this.eventIds.has(event.metadata.eventId)) {
        throw new Error(
          `Append to stream ${streamId} failed: event id ${event.metadata.eventId} is already stored. ` +
            'Give every event a new id.',
        );
      }
    }

    const recordedAt = this.now();
    const recorded = events.map(
      (event, index): RecordedEvent => ({
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: copyJson(event.data),
        metadata: copyJson(event.metadata),
        streamId,
        revision: actual + 1 + index,
        position: this.events.length + 1 + index,
        recordedAt: new Date(recordedAt.getTime()),
      }),
    );

    this.events.push(...recorded);
    this.streams.set(streamId, [...stream, ...recorded]);
    for (const event of recorded) {
      this.eventIds.add(event.metadata.eventId);
    }
    this.wakeSignals.forEach((signal) => signal.notify());

    const last = recorded[recorded.length - 1];
    return { nextExpectedRevision: last.revision, lastPosition: last.position };
  }

  async readStream(streamId: string, options: { fromRevision?: number } = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const fromRevision = options.fromRevision ?? 0;

    const stream = this.streams.get(streamId) ?? [];
    return stream.filter((event) => event.revision >= fromRevision).map(copyEvent);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    assertValidReadAll(options);

    // Positions are 1-based and contiguous, so position p sits at index p - 1.
    const start = Math.max(0, options.fromPosition);
    return this.events.slice(start, start + options.maxCount).map(copyEvent);
  }

  subscribeToAll(options: SubscribeOptions): SubscriptionHandle {
    this.assertOpen();

    const handle = startCatchUpSubscription(
      {
        readAll: (readOptions) => this.readAll(readOptions),
        addWakeSignal: (signal) => this.wakeSignals.add(signal),
        removeWakeSignal: (signal) => this.wakeSignals.delete(signal),
        logger: this.logger,
      },
      options,
    );
    this.subscriptions.add(handle);
    handle.done.catch(() => undefined).finally(() => this.subscriptions.delete(handle));
    return handle;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.events.length;
  }

  /** Stops every subscription; later calls on this store throw. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new Error('In-memory event store is closed. Create a new InMemoryEventStore.');
    }
  }
}

function copyEvent(event: RecordedEvent): RecordedEvent {
  return {
    ...event,
    data: copyJson(event.data),
    metadata: copyJson(event.metadata),
    recordedAt: new Date(event.recordedAt.getTime()),
  };
}

/**
 * Copies through JSON, as the PostgreSQL jsonb columns do: undefined properties disappear,
 * Dates become ISO strings, and undefined data becomes null.
 */
function copyJson<T>(value: T): T {
  const json = JSON.stringify(value);
  return json === undefined ? (null as T) : (JSON.parse(json) as T);
}
