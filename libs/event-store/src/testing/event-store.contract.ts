import { randomUUID } from 'node:crypto';
import { EventMetadata } from '@team-access/contracts';
import { EventStore, NewEvent, RecordedEvent, SubscriptionHandle, WrongExpectedRevisionError } from '../event-store.port';

export interface EventStoreContractTarget {
  /** Creates the store under test. The suite calls it before each test and closes the store after it. */
  createStore(): Promise<EventStore>;
  /**
   * True when positions run 1, 2, 3, … with no gap (PostgreSQL, in-memory). EventStoreDB commit
   * positions are byte offsets in its log, so for it the suite checks strictly ascending
   * positions and complete delivery instead of contiguity.
   */
  contiguousPositions: boolean;
  /** Writers and events per writer of the concurrency test. Defaults to 8 writers × 500 events. */
  concurrency?: { writers: number; eventsPerWriter: number };
}

const WAIT_DEADLINE_MS = 20_000;
const CONCURRENCY_DEADLINE_MS = 90_000;

/**
 * The behaviour every EventStore adapter must share. A store may hold events of other tests
 * (EventStoreDB is one shared server), so each test writes to its own stream ids and filters
 * global reads to them.
 */
export function describeEventStoreContract(name: string, target: EventStoreContractTarget): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let streamPrefix: string;
    const subscriptions: SubscriptionHandle[] = [];

    beforeEach(async () => {
      store = await target.createStore();
      streamPrefix = `contract-${randomUUID()}`;
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
      await store.close();
    });

    function streamName(suffix: string): string {
      return `${streamPrefix}-${suffix}`;
    }

    function ownEvents(events: RecordedEvent[]): RecordedEvent[] {
      return events.filter((event) => event.streamId.startsWith(streamPrefix));
    }

    function subscribe(fromPosition: number, received: RecordedEvent[]): SubscriptionHandle {
      const subscription = store.subscribeToAll({
        fromPosition,
        handler: async (event) => {
          if (event.streamId.startsWith(streamPrefix)) {
            received.push(event);
          }
        },
      });
      subscriptions.push(subscription);
      return subscription;
    }

    describe('append', () => {
      it("creates a stream with 'no_stream'", async () => {
        const base = await store.headPosition();
        const stream = streamName('created');
        const events = [newEvent('thing.created', { n: 1 }), newEvent('thing.renamed', { n: 2 })];

        const result = await store.append(stream, events, 'no_stream');
        const stored = await store.readStream(stream);

        expect(result.nextExpectedRevision).toBe(1);
        expect(stored.map((event) => event.revision)).toEqual([0, 1]);
        expect(stored.map((event) => event.type)).toEqual(['thing.created', 'thing.renamed']);
        expect(stored.map((event) => event.data)).toEqual([{ n: 1 }, { n: 2 }]);
        expect(stored.map((event) => event.metadata)).toEqual(events.map((event) => event.metadata));
        expect(stored.every((event) => event.streamId === stream)).toBe(true);
        expect(stored.every((event) => event.schemaVersion === 1)).toBe(true);
        expect(stored.every((event) => event.recordedAt instanceof Date)).toBe(true);
        expect(stored[1].position).toBeGreaterThan(stored[0].position);
        expect(stored[0].position).toBeGreaterThan(base);
        expect(result.lastPosition).toBe(stored[1].position);
        if (target.contiguousPositions) {
          expect(stored.map((event) => event.position)).toEqual([base + 1, base + 2]);
        }
      });

      it('appends with the matching numeric revision', async () => {
        const stream = streamName('numeric');
        await store.append(stream, [newEvent('a'), newEvent('b')], 'no_stream');

        const result = await store.append(stream, [newEvent('c')], 1);

        expect(result.nextExpectedRevision).toBe(2);
        expect((await store.readStream(stream)).map((event) => event.type)).toEqual(['a', 'b', 'c']);
      });

      it('rejects a wrong numeric revision and appends nothing', async () => {
        const stream = streamName('wrong-numeric');
        await store.append(stream, [newEvent('a'), newEvent('b')], 'no_stream');
        const head = await store.headPosition();

        const error = await captureError(store.append(stream, [newEvent('c')], 0));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream, expected: 0, actual: 1 });
        expect(await store.readStream(stream)).toHaveLength(2);
        expect(await store.headPosition()).toBe(head);
      });

      it("rejects 'no_stream' on an existing stream", async () => {
        const stream = streamName('exists');
        await store.append(stream, [newEvent('a')], 'no_stream');

        const error = await captureError(store.append(stream, [newEvent('b')], 'no_stream'));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: 'no_stream', actual: 0 });
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('rejects a numeric revision on a missing stream', async () => {
        const stream = streamName('missing-numeric');

        const error = await captureError(store.append(stream, [newEvent('a')], 0));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: 0, actual: -1 });
        expect(await store.readStream(stream)).toEqual([]);
      });

      it("rejects 'stream_exists' on a missing stream", async () => {
        const stream = streamName('missing');

        const error = await captureError(store.append(stream, [newEvent('a')], 'stream_exists'));

        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream, expected: 'stream_exists', actual: -1 });
        expect(await store.readStream(stream)).toEqual([]);
      });

      it("accepts 'stream_exists' on an existing stream", async () => {
        const stream = streamName('existing');
        await store.append(stream, [newEvent('a')], 'no_stream');

        const result = await store.append(stream, [newEvent('b')], 'stream_exists');

        expect(result.nextExpectedRevision).toBe(1);
      });

      it("accepts 'any' on missing and existing streams", async () => {
        const stream = streamName('any');

        const first = await store.append(stream, [newEvent('a')], 'any');
        const second = await store.append(stream, [newEvent('b'), newEvent('c')], 'any');

        expect(first.nextExpectedRevision).toBe(0);
        expect(second.nextExpectedRevision).toBe(2);
        expect((await store.readStream(stream)).map((event) => event.revision)).toEqual([0, 1, 2]);
      });

      it('rejects an empty event list', async () => {
        await expect(store.append(streamName('empty'), [], 'any')).rejects.toThrow('event list is empty');
      });
    });

    describe('readStream', () => {
      it('reads from a revision', async () => {
        const stream = streamName('from-revision');
        await store.append(stream, [newEvent('a'), newEvent('b'), newEvent('c')], 'no_stream');

        const tail = await store.readStream(stream, { fromRevision: 1 });

        expect(tail.map((event) => event.revision)).toEqual([1, 2]);
        expect(tail.map((event) => event.type)).toEqual(['b', 'c']);
      });

      it('returns an empty array for a missing stream', async () => {
        expect(await store.readStream(streamName('never-written'))).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('returns events in global order, exclusive of fromPosition', async () => {
        const base = await store.headPosition();
        const first = streamName('first');
        const second = streamName('second');
        await store.append(first, [newEvent('a')], 'no_stream');
        await store.append(second, [newEvent('b')], 'no_stream');
        await store.append(first, [newEvent('c')], 0);

        const all = ownEvents(await store.readAll({ fromPosition: base, maxCount: 1000 }));
        const afterFirst = ownEvents(await store.readAll({ fromPosition: all[0].position, maxCount: 1000 }));
        const limited = await store.readAll({ fromPosition: base, maxCount: 2 });

        expect(all.map((event) => event.type)).toEqual(['a', 'b', 'c']);
        expect(all.map((event) => event.streamId)).toEqual([first, second, first]);
        expect(isStrictlyAscending(all.map((event) => event.position))).toBe(true);
        expect(afterFirst.map((event) => event.type)).toEqual(['b', 'c']);
        expect(limited).toHaveLength(2);
        if (target.contiguousPositions) {
          expect(all.map((event) => event.position)).toEqual([base + 1, base + 2, base + 3]);
        }
      });

      it('reports the head position of the last append', async () => {
        const result = await store.append(streamName('head'), [newEvent('a'), newEvent('b')], 'no_stream');

        expect(await store.headPosition()).toBe(result.lastPosition);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up from a checkpoint, then delivers live events', async () => {
        const stream = streamName('subscribed');
        await store.append(stream, [newEvent('old-1'), newEvent('old-2'), newEvent('old-3')], 'no_stream');
        const [checkpointEvent] = await store.readStream(stream);
        const received: RecordedEvent[] = [];

        subscribe(checkpointEvent.position, received);
        await waitFor(() => received.length === 2, 'the two events after the checkpoint');
        await store.append(stream, [newEvent('live-1')], 2);
        await store.append(stream, [newEvent('live-2')], 3);
        await waitFor(() => received.length === 4, 'the two live events');

        expect(received.map((event) => event.type)).toEqual(['old-2', 'old-3', 'live-1', 'live-2']);
        expect(received.map((event) => event.revision)).toEqual([1, 2, 3, 4]);
        expect(isStrictlyAscending(received.map((event) => event.position))).toBe(true);
      });

      it('stops delivery after stop()', async () => {
        const stream = streamName('stopped');
        const base = await store.headPosition();
        const stoppedReceived: RecordedEvent[] = [];
        const controlReceived: RecordedEvent[] = [];
        await store.append(stream, [newEvent('before-stop')], 'no_stream');

        const subscription = subscribe(base, stoppedReceived);
        await waitFor(() => stoppedReceived.length === 1, 'the event before stop()');
        await subscription.stop();
        await subscription.done;
        await store.append(stream, [newEvent('after-stop')], 0);
        // A second subscription proves the event was deliverable while the first was stopped.
        subscribe(base, controlReceived);
        await waitFor(() => controlReceived.length === 2, 'both events on the control subscription');

        expect(stoppedReceived.map((event) => event.type)).toEqual(['before-stop']);
      });

      it('lets stop() wait for the in-flight handler', async () => {
        const stream = streamName('in-flight');
        const base = await store.headPosition();
        await store.append(stream, [newEvent('slow'), newEvent('never')], 'no_stream');
        const handled: string[] = [];
        let releaseHandler: () => void = () => undefined;
        const handlerGate = new Promise<void>((resolve) => {
          releaseHandler = resolve;
        });
        let handlerStarted = false;

        const subscription = store.subscribeToAll({
          fromPosition: base,
          handler: async (event) => {
            if (!event.streamId.startsWith(streamPrefix)) {
              return;
            }
            handlerStarted = true;
            await handlerGate;
            handled.push(event.type);
          },
        });
        subscriptions.push(subscription);
        await waitFor(() => handlerStarted, 'the handler to start');
        let stopResolved = false;
        const stopping = subscription.stop().then(() => {
          stopResolved = true;
        });
        await Promise.resolve();
        const resolvedBeforeRelease = stopResolved;
        releaseHandler();
        await stopping;

        expect(resolvedBeforeRelease).toBe(false);
        expect(handled).toEqual(['slow']);
      });

      it('rejects done with the handler error and stops', async () => {
        const stream = streamName('failing');
        const base = await store.headPosition();
        await store.append(stream, [newEvent('boom'), newEvent('after-boom')], 'no_stream');
        const handled: string[] = [];

        const subscription = store.subscribeToAll({
          fromPosition: base,
          handler: async (event) => {
            if (!event.streamId.startsWith(streamPrefix)) {
              return;
            }
            handled.push(event.type);
            throw new Error(`handler failed on ${event.type}`);
          },
        });
        subscriptions.push(subscription);

        await expect(subscription.done).rejects.toThrow('handler failed on boom');
        expect(handled).toEqual(['boom']);
      });
    });

    describe('concurrent writers', () => {
      const writers = target.concurrency?.writers ?? 8;
      const eventsPerWriter = target.concurrency?.eventsPerWriter ?? 500;
      const total = writers * eventsPerWriter;

      it(
        `delivers all ${total} events of ${writers} concurrent writers exactly once, in order`,
        async () => {
          const base = await store.headPosition();
          const received: RecordedEvent[] = [];
          subscribe(base, received);

          const appendedIds = new Set<string>();
          let lastAppendedPosition = 0;
          const startedAt = Date.now();
          await Promise.all(
            Array.from({ length: writers }, async (_, writer) => {
              const stream = streamName(`writer-${writer}`);
              for (let revision = 0; revision < eventsPerWriter; revision += 1) {
                const event = newEvent('load.appended', { writer, revision });
                appendedIds.add(event.metadata.eventId);
                const result = await store.append(stream, [event], revision === 0 ? 'no_stream' : revision - 1);
                lastAppendedPosition = Math.max(lastAppendedPosition, result.lastPosition);
              }
            }),
          );
          // Waiting for the last position rather than for the count lets a store that skips
          // events fail fast on the count check below.
          await waitFor(
            () => received.length >= total || (received.at(-1)?.position ?? 0) >= lastAppendedPosition,
            `delivery up to position ${lastAppendedPosition}`,
            CONCURRENCY_DEADLINE_MS,
          );
          const elapsedMs = Date.now() - startedAt;
          const stored = ownEvents(await store.readAll({ fromPosition: base, maxCount: total + 1000 }));

          const positions = received.map((event) => event.position);
          const deliveredIds = received.map((event) => event.metadata.eventId);
          expect(received.length).toBe(total);
          expect(new Set(deliveredIds).size).toBe(total);
          expect(deliveredIds.every((id) => appendedIds.has(id))).toBe(true);
          expect(isStrictlyAscending(positions)).toBe(true);
          expect(positions).toEqual(stored.map((event) => event.position));
          if (target.contiguousPositions) {
            expect(positions[0]).toBe(base + 1);
            expect(positions[positions.length - 1]).toBe(base + total);
          }
          for (let writer = 0; writer < writers; writer += 1) {
            const revisions = received
              .filter((event) => event.streamId === streamName(`writer-${writer}`))
              .map((event) => event.revision);
            expect(revisions).toEqual(Array.from({ length: eventsPerWriter }, (_, revision) => revision));
          }
          process.stdout.write(`[${name}] ${total} concurrent appends delivered in ${elapsedMs} ms\n`);
        },
        CONCURRENCY_DEADLINE_MS + 30_000,
      );
    });
  });
}

function newEvent(type: string, data: unknown = {}): NewEvent {
  const metadata: EventMetadata = {
    eventId: randomUUID(),
    correlationId: randomUUID(),
    causationId: null,
    actor: { kind: 'system', name: 'event-store-contract' },
    organizationId: 'org-contract',
    occurredAt: '2025-01-01T00:00:00.000Z',
  };
  return { type, schemaVersion: 1, data, metadata };
}

async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error: unknown) {
    return error;
  }
  throw new Error('Expected the call to fail, but it succeeded.');
}

function isStrictlyAscending(values: number[]): boolean {
  return values.every((value, index) => index === 0 || value > values[index - 1]);
}

/** Polls `condition` every 10 ms until it holds, failing after `deadlineMs`. */
async function waitFor(condition: () => boolean, description: string, deadlineMs = WAIT_DEADLINE_MS): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${deadlineMs} ms waiting for ${description}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
