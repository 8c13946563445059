import { EventStore, RecordedEvent, SubscribeOptions, SubscriptionHandle } from '@team-access/event-store';

/**
 * A read-only view of an event store whose events come back with `data` transformed, for
 * example with sealed personal data opened. Projections and the relay read through it, so their
 * pure code never reads ciphertext. Appends go to the underlying store directly.
 */
export function decodingEventStore(store: EventStore, decode: (data: unknown) => Promise<unknown>): EventStore {
  const decodeEvent = async (event: RecordedEvent): Promise<RecordedEvent> => ({ ...event, data: await decode(event.data) });

  return {
    append: (streamId, events, expected) => store.append(streamId, events, expected),
    readStream: async (streamId, options) => Promise.all((await store.readStream(streamId, options)).map(decodeEvent)),
    readAll: async (options) => Promise.all((await store.readAll(options)).map(decodeEvent)),
    subscribeToAll: (options: SubscribeOptions): SubscriptionHandle =>
      store.subscribeToAll({ ...options, handler: async (event) => options.handler(await decodeEvent(event)) }),
    headPosition: () => store.headPosition(),
    // The underlying store belongs to the caller, who closes it.
    close: async () => undefined,
  };
}
