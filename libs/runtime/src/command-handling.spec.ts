// Runs the command loop against the in-memory event store; nothing else is involved.
// The clock is a fixed function.
import { randomUUID } from 'node:crypto';
import { DomainEvent } from '@team-access/contracts';
import { InMemoryEventStore, NewEvent } from '@team-access/event-store';
import { AggregateCache, Decider, handleCommand, plainCodec } from './command-handling';

type CounterEvent = DomainEvent<'test.counter.added', { amount: number }>;
interface Add {
  amount: number;
  limit: number;
}

const counter: Decider<number, Add, CounterEvent> = {
  initialState: () => 0,
  evolve: (total, event) => total + event.data.amount,
  decide: (total, command) => {
    if (total + command.amount > command.limit) {
      throw new Error(`limit ${command.limit} exceeded`);
    }
    return command.amount === 0 ? [] : [{ type: 'test.counter.added', schemaVersion: 1, data: { amount: command.amount } }];
  },
};

const context = {
  organizationId: 'org-1',
  correlationId: 'correlation-1',
  actor: { kind: 'system' as const, name: 'test' },
  now: () => new Date('2026-12-04T10:00:00Z'),
};

function rival(amount: number): NewEvent {
  return {
    type: 'test.counter.added',
    schemaVersion: 1,
    data: { amount },
    metadata: { ...context, eventId: randomUUID(), causationId: null, occurredAt: context.now().toISOString() },
  };
}

describe('handleCommand with a cache', () => {
  it('reads only the events appended since the cached revision', async () => {
    const store = new InMemoryEventStore();
    const cache = new AggregateCache<number>();
    await handleCommand(store, 'counter-1', counter, plainCodec(), { amount: 2, limit: 10 }, context, cache);
    await store.append('counter-1', [rival(3)], 0);
    const readStream = jest.spyOn(store, 'readStream');

    const outcome = await handleCommand(store, 'counter-1', counter, plainCodec(), { amount: 1, limit: 10 }, context, cache);

    expect(outcome.state).toBe(6);
    expect(readStream).toHaveBeenCalledWith('counter-1', { fromRevision: 1 });
    expect(cache.get('counter-1')).toEqual({ state: 6, revision: 2 });
  });

  it('evicts the least recently used stream', () => {
    const cache = new AggregateCache<number>(2);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.get('a');
    cache.set('c', 3, 0);

    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ state: 1, revision: 0 });
  });
});

describe('handleCommand', () => {
  it('appends decided events with metadata', async () => {
    const store = new InMemoryEventStore();

    const outcome = await handleCommand(store, 'counter-1', counter, plainCodec(), { amount: 2, limit: 10 }, context);

    const stored = await store.readStream('counter-1');
    expect(outcome.state).toBe(2);
    expect(stored).toHaveLength(1);
    expect(stored[0].metadata).toMatchObject({ organizationId: 'org-1', correlationId: 'correlation-1', occurredAt: '2026-12-04T10:00:00.000Z' });
  });

  it('appends nothing when the decision is empty', async () => {
    const store = new InMemoryEventStore();

    const outcome = await handleCommand(store, 'counter-1', counter, plainCodec(), { amount: 0, limit: 10 }, context);

    expect(outcome.lastPosition).toBeNull();
    expect(await store.readStream('counter-1')).toEqual([]);
  });

  it('re-validates against the fresh state after a conflict', async () => {
    const store = new InMemoryEventStore();
    await store.append('counter-1', [rival(5)], 'no_stream');
    const readStream = store.readStream.bind(store);
    let reads = 0;
    // A rival writer appends between our first read and our append.
    jest.spyOn(store, 'readStream').mockImplementation(async (streamId, options) => {
      const events = await readStream(streamId, options);
      if (reads++ === 0) {
        await store.append('counter-1', [rival(4)], 0);
      }
      return events;
    });

    await expect(handleCommand(store, 'counter-1', counter, plainCodec(), { amount: 2, limit: 10 }, context)).rejects.toThrow('limit 10 exceeded');
    expect(await readStream('counter-1')).toHaveLength(2);
  });
});
