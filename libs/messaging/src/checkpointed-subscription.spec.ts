// Real: the in-memory event store, CheckpointedSubscription and EventBatcher, real timers.
// Mocked: nothing; the batch processor is a recording function standing in for Kafka or MongoDB.
import { EventStore, InMemoryEventStore, RecordedEvent } from '@team-access/event-store';
import pino from 'pino';
import { CheckpointedSubscription } from './checkpointed-subscription';
import { testEvent, waitUntil } from './testing/test-events';

const logger = pino({ level: 'silent' });
const fastRestart = { initialDelayMs: 5, maxDelayMs: 20 };

async function appendNumbered(store: InMemoryEventStore, count: number, streams = 3): Promise<void> {
  for (let n = 1; n <= count; n += 1) {
    await store.append(`stream-${n % streams}`, [testEvent('test.numbered', { n })], 'any');
  }
}

function subscription(store: InMemoryEventStore, checkpoint: { position: number }, batches: number[][], options: { maxBatchSize: number; failOnce?: number }) {
  let failuresLeft = options.failOnce === undefined ? 0 : 1;

  return new CheckpointedSubscription({
    name: 'test',
    store,
    logger,
    maxBatchSize: options.maxBatchSize,
    restartBackoff: fastRestart,
    loadCheckpoint: async () => checkpoint.position,
    processBatch: async (batch: RecordedEvent[]) => {
      if (failuresLeft > 0 && batch.some((event) => event.position === options.failOnce)) {
        failuresLeft -= 1;
        throw new Error('simulated broker outage');
      }
      batches.push(batch.map((event) => event.position));
      checkpoint.position = batch[batch.length - 1]?.position ?? checkpoint.position;
    },
  });
}

describe('CheckpointedSubscription', () => {
  it('splits a backlog into full batches in order', async () => {
    const store = new InMemoryEventStore({ logger });
    await appendNumbered(store, 25);
    const checkpoint = { position: 0 };
    const batches: number[][] = [];

    const sub = subscription(store, checkpoint, batches, { maxBatchSize: 10 });
    await sub.start();
    await waitUntil(() => checkpoint.position === 25, 'all 25 events are processed');
    await sub.stop();

    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('flushes a partial batch of live events', async () => {
    const store = new InMemoryEventStore({ logger });
    const checkpoint = { position: 0 };
    const batches: number[][] = [];
    const sub = subscription(store, checkpoint, batches, { maxBatchSize: 50 });
    await sub.start();

    await appendNumbered(store, 3);
    await waitUntil(() => checkpoint.position === 3, 'the 3 live events are processed');
    await sub.stop();

    expect(batches.flat()).toEqual([1, 2, 3]);
  });

  it('resumes after the stored checkpoint', async () => {
    const store = new InMemoryEventStore({ logger });
    await appendNumbered(store, 12);
    const checkpoint = { position: 7 };
    const batches: number[][] = [];

    const sub = subscription(store, checkpoint, batches, { maxBatchSize: 4 });
    await sub.start();
    await waitUntil(() => checkpoint.position === 12, 'events 8 to 12 are processed');
    await sub.stop();

    expect(batches.flat()).toEqual([8, 9, 10, 11, 12]);
  });

  it('redelivers a failed batch in order', async () => {
    const store = new InMemoryEventStore({ logger });
    await appendNumbered(store, 20);
    const checkpoint = { position: 0 };
    const batches: number[][] = [];

    const sub = subscription(store, checkpoint, batches, { maxBatchSize: 5, failOnce: 8 });
    await sub.start();
    await waitUntil(() => checkpoint.position === 20, 'all 20 events are processed after the restart');
    await sub.stop();

    expect(batches.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(batches[1]).toEqual([6, 7, 8, 9, 10]);
  });

  it('processes buffered events on stop', async () => {
    const memory = new InMemoryEventStore({ logger });
    let delivered = 0;
    // Counts deliveries to the subscription, so the test can tell when the events sit in the buffer.
    const store: EventStore = Object.assign(Object.create(memory) as EventStore, {
      subscribeToAll: (options: Parameters<EventStore['subscribeToAll']>[0]) =>
        memory.subscribeToAll({
          ...options,
          handler: async (event: RecordedEvent) => {
            await options.handler(event);
            delivered += 1;
          },
        }),
    });
    const checkpoint = { position: 0 };
    const batches: number[][] = [];
    const sub = new CheckpointedSubscription({
      name: 'linger',
      store,
      logger,
      maxBatchSize: 100,
      lingerMs: 60_000,
      loadCheckpoint: async () => checkpoint.position,
      processBatch: async (batch) => {
        batches.push(batch.map((event) => event.position));
        checkpoint.position = batch[batch.length - 1]?.position ?? checkpoint.position;
      },
    });
    await sub.start();
    await appendNumbered(memory, 4);
    await waitUntil(() => delivered === 4, 'the subscription buffered 4 events');
    expect(batches).toEqual([]);

    await sub.stop();

    expect(batches.flat()).toEqual([1, 2, 3, 4]);
  });
});
