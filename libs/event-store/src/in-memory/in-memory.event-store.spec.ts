// Runs the shared EventStore contract against the in-memory adapter. Everything is real (the
// adapter has no I/O); one test injects a fixed clock for recordedAt.
import pino from 'pino';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { InMemoryEventStore } from './in-memory.event-store';

describeEventStoreContract('in-memory', {
  createStore: async () => new InMemoryEventStore({ logger: pino({ level: 'silent' }) }),
  contiguousPositions: true,
});

describe('InMemoryEventStore', () => {
  it('rejects an event id that is already stored', async () => {
    const store = new InMemoryEventStore();
    const event = {
      type: 'thing.created',
      schemaVersion: 1,
      data: {},
      metadata: {
        eventId: '6f1c2a4e-8d1b-4c55-9a0e-2f7f3b1d9c11',
        correlationId: 'c',
        causationId: null,
        actor: { kind: 'system' as const, name: 'test' },
        organizationId: 'org',
        occurredAt: '2025-01-01T00:00:00.000Z',
      },
    };
    await store.append('a', [event], 'no_stream');

    await expect(store.append('b', [event], 'no_stream')).rejects.toThrow('is already stored');
    expect(await store.headPosition()).toBe(1);
  });

  it('returns copies that callers cannot use to change stored events', async () => {
    const store = new InMemoryEventStore({ now: () => new Date('2025-02-03T04:05:06.000Z') });
    await store.append(
      'a',
      [
        {
          type: 'thing.created',
          schemaVersion: 1,
          data: { name: 'original' },
          metadata: {
            eventId: '0b6f4c1e-5f0a-4a57-8a44-3c3d2b1a0f99',
            correlationId: 'c',
            causationId: null,
            actor: { kind: 'system', name: 'test' },
            organizationId: 'org',
            occurredAt: '2025-01-01T00:00:00.000Z',
          },
        },
      ],
      'no_stream',
    );

    const [first] = await store.readStream('a');
    (first.data as { name: string }).name = 'mutated';
    const [second] = await store.readStream('a');

    expect(second.data).toEqual({ name: 'original' });
    expect(second.recordedAt.toISOString()).toBe('2025-02-03T04:05:06.000Z');
  });
});
