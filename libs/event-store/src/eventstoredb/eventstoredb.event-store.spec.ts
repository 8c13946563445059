// Unit tests of the EventStoreDB adapter's mapping logic. The EventStoreDB server cannot run
// here, so a fake client replaces @eventstore/db-client; the contract suite in
// eventstoredb.event-store.int-spec.ts checks the adapter against a real server.
import { Readable } from 'node:stream';
import pino from 'pino';
import {
  AllStreamResolvedEvent,
  EventStoreDBClient,
  NO_STREAM,
  Position,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { NewEvent, WrongExpectedRevisionError } from '../event-store.port';
import { EventStoreDbEventStore } from './eventstoredb.event-store';

function newEvent(eventId: string): NewEvent {
  return {
    type: 'thing.created',
    schemaVersion: 2,
    data: { n: 1 },
    metadata: {
      eventId,
      correlationId: 'c',
      causationId: null,
      actor: { kind: 'system', name: 'test' },
      organizationId: 'org',
      occurredAt: '2025-01-01T00:00:00.000Z',
    },
  };
}

function allEvent(streamId: string, type: string, commit: number): AllStreamResolvedEvent {
  const position: Position = { commit: BigInt(commit), prepare: BigInt(commit) };
  return {
    event: {
      streamId,
      id: `00000000-0000-4000-8000-${String(commit).padStart(12, '0')}`,
      isJson: true,
      revision: 0n,
      type,
      created: new Date('2025-01-01T00:00:00.000Z'),
      data: { commit },
      metadata: { eventId: 'e', schemaVersion: 3 },
      position,
    },
  } as AllStreamResolvedEvent;
}

/** Builds a client over a fake $all log whose readAll includes the event at `fromPosition`, as EventStoreDB does. */
function fakeClient(log: AllStreamResolvedEvent[], overrides: Record<string, unknown> = {}): EventStoreDBClient {
  return {
    readAll: (options: { fromPosition: Position | 'start'; maxCount: number }) => {
      const from = options.fromPosition === 'start' ? -1n : options.fromPosition.commit;
      const events = log.filter((resolved) => (resolved.event?.position.commit ?? -1n) >= from);
      return Readable.from(events.slice(0, options.maxCount));
    },
    dispose: async () => undefined,
    ...overrides,
  } as unknown as EventStoreDBClient;
}

const logger = pino({ level: 'silent' });

describe('EventStoreDbEventStore', () => {
  it('maps WrongExpectedVersionError to WrongExpectedRevisionError', async () => {
    const client = fakeClient([], {
      appendToStream: async () => {
        throw new WrongExpectedVersionError(undefined, { streamName: 's', expected: NO_STREAM, current: 4n });
      },
    });
    const store = new EventStoreDbEventStore({ client, logger });

    const error = await store.append('s', [newEvent('6f1c2a4e-8d1b-4c55-9a0e-2f7f3b1d9c11')], 'no_stream').catch((e) => e);

    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: 's', expected: 'no_stream', actual: 4 });
  });

  it('maps a missing stream in WrongExpectedVersionError to -1', async () => {
    const client = fakeClient([], {
      appendToStream: async () => {
        throw new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'stream_exists', current: NO_STREAM });
      },
    });
    const store = new EventStoreDbEventStore({ client, logger });

    const error = await store.append('s', [newEvent('6f1c2a4e-8d1b-4c55-9a0e-2f7f3b1d9c11')], 'stream_exists').catch((e) => e);

    expect(error).toMatchObject({ actual: -1 });
  });

  it('passes numeric revisions as BigInt and the schema version in metadata', async () => {
    const appendToStream = jest.fn(async () => ({ success: true, nextExpectedRevision: 5n, position: { commit: 900n, prepare: 900n } }));
    const store = new EventStoreDbEventStore({ client: fakeClient([], { appendToStream }), logger });

    const result = await store.append('s', [newEvent('6f1c2a4e-8d1b-4c55-9a0e-2f7f3b1d9c11')], 4);

    expect(result).toEqual({ nextExpectedRevision: 5, lastPosition: 900 });
    expect(appendToStream).toHaveBeenCalledWith(
      's',
      [expect.objectContaining({ id: '6f1c2a4e-8d1b-4c55-9a0e-2f7f3b1d9c11', metadata: expect.objectContaining({ schemaVersion: 2 }) })],
      { expectedRevision: 4n },
    );
  });

  it('reads a missing stream as empty', async () => {
    const client = fakeClient([], {
      readStream: () =>
        Readable.from(
          (async function* () {
            throw new StreamNotFoundError(undefined, 'missing');
          })(),
        ),
    });
    const store = new EventStoreDbEventStore({ client, logger });

    expect(await store.readStream('missing')).toEqual([]);
  });

  it('reads $all after the position, without system events', async () => {
    const log = [
      allEvent('a', 'x', 100),
      allEvent('$stats-1', '$statsCollected', 200),
      allEvent('b', 'y', 300),
      allEvent('$$a', '$metadata', 400),
      allEvent('a', 'z', 500),
      allEvent('c', 'w', 600),
    ];
    const store = new EventStoreDbEventStore({ client: fakeClient(log), logger });

    const fromStart = await store.readAll({ fromPosition: 0, maxCount: 10 });
    const afterFirst = await store.readAll({ fromPosition: 100, maxCount: 2 });

    expect(fromStart.map((event) => event.position)).toEqual([100, 300, 500, 600]);
    expect(afterFirst.map((event) => event.position)).toEqual([300, 500]);
    expect(afterFirst[0].schemaVersion).toBe(3);
    expect(afterFirst[0].metadata).toEqual({ eventId: 'e' });
  });
});
