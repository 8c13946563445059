import { ExpectedRevision, NewEvent, ReadAllOptions } from '../event-store.port';

/** Revision of a missing stream's last event, as WrongExpectedRevisionError reports it. */
export const NO_STREAM_REVISION = -1;

/** Checks `expected` against `actual`, the revision of the stream's last event (-1 when missing). */
export function isExpectedRevisionMet(expected: ExpectedRevision, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === NO_STREAM_REVISION;
    case 'stream_exists':
      return actual !== NO_STREAM_REVISION;
    default:
      return actual === expected;
  }
}

// PostgreSQL stores event ids as uuid and EventStoreDB requires UUID event ids, so every
// adapter, the in-memory one included, accepts only UUIDs.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Rejects arguments that no adapter can store, with the same message in every adapter.
 * An empty batch is rejected because it would have no revision or position to return.
 */
export function assertValidAppend(streamId: string, events: NewEvent[], expected: ExpectedRevision): void {
  if (streamId.length === 0) {
    throw new Error('Append failed: the stream id is empty. Pass a non-empty stream id.');
  }
  if (events.length === 0) {
    throw new Error(`Append to stream ${streamId} failed: the event list is empty. Pass at least one event.`);
  }
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new Error(
      `Append to stream ${streamId} failed: expected revision ${expected} is invalid. ` +
        "Pass a revision >= 0, 'no_stream', 'stream_exists' or 'any'.",
    );
  }

  const eventIds = new Set<string>();
  for (const event of events) {
    if (!UUID_PATTERN.test(event.metadata.eventId)) {
      throw new Error(
        `Append to stream ${streamId} failed: event id ${JSON.stringify(event.metadata.eventId)} is not a UUID. ` +
          'Generate event ids with crypto.randomUUID().',
      );
    }
    if (eventIds.has(event.metadata.eventId)) {
      throw new Error(
        `Append to stream ${streamId} failed: event id ${event.metadata.eventId} occurs twice in the batch. ` +
          'Give every event its own id.',
      );
    }
    eventIds.add(event.metadata.eventId);
  }
}

export function assertValidReadAll(options: ReadAllOptions): void {
  if (!Number.isSafeInteger(options.fromPosition) || options.fromPosition < 0) {
    throw new Error(`readAll failed: fromPosition ${options.fromPosition} is invalid. Pass an integer >= 0.`);
  }
  if (!Number.isSafeInteger(options.maxCount) || options.maxCount < 1) {
    throw new Error(`readAll failed: maxCount ${options.maxCount} is invalid. Pass an integer >= 1.`);
  }
}
