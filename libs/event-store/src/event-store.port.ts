import { EventMetadata } from '@team-access/contracts';

/** An event ready to append. `metadata.eventId` is unique across the store. */
export interface NewEvent {
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
}

/** An event as stored: revision within its stream, and position in the global order. */
export interface RecordedEvent extends NewEvent {
  streamId: string;
  /** 0-based revision within the stream. */
  revision: number;
  /** 1-based position in the store's global order; contiguous for the PostgreSQL adapter. */
  position: number;
  recordedAt: Date;
}

/**
 * The revision the caller expects the stream to be at. A number is the revision of the
 * stream's last event; 'no_stream' means the stream must not exist; 'any' skips the check.
 */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  /** Revision of the last appended event. */
  nextExpectedRevision: number;
  /** Global position of the last appended event. */
  lastPosition: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position greater than this are returned. 0 reads from the start. */
  fromPosition: number;
  maxCount: number;
}

export interface SubscriptionHandle {
  /** Stops delivery after the in-flight event's handler finishes. */
  stop(): Promise<void>;
  /** Resolves when the subscription has stopped, or rejects with the handler's error. */
  readonly done: Promise<void>;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint: delivery starts after this position. */
  fromPosition: number;
  /** Called once per event, in global order; the next event waits for the returned promise. */
  handler: (event: RecordedEvent) => Promise<void>;
  /** Maximum events fetched per read. */
  batchSize?: number;
}

/**
 * The event-store port. Adapters: PostgreSQL (runs everywhere) and EventStoreDB.
 * Both keep the same semantics, checked by one shared contract suite.
 */
export interface EventStore {
  /**
   * Appends atomically. Throws WrongExpectedRevisionError when the stream is not at `expected`.
   */
  append(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;

  /** Reads a stream forwards. Returns an empty array when the stream does not exist. */
  readStream(streamId: string, options?: { fromRevision?: number }): Promise<RecordedEvent[]>;

  /** Reads the global order forwards. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Catch-up subscription to the global order from a checkpoint, then live. */
  subscribeToAll(options: SubscribeOptions): SubscriptionHandle;

  /** Position of the last event in the store, 0 when empty. */
  headPosition(): Promise<number>;

  close(): Promise<void>;
}

/** Raised when a stream is not at the revision the writer expected. */
export class WrongExpectedRevisionError extends Error {
  readonly code = 'event_store.wrong_expected_revision';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(`Stream ${streamId} is at revision ${actual}, but the append expected ${String(expected)}.`);
    this.name = 'WrongExpectedRevisionError';
  }
}
