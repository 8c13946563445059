// Runs the shared EventStore contract against a real EventStoreDB server at EVENTSTOREDB_URL
// (an esdb:// connection string). Nothing is mocked. Without that variable the suite is
// skipped, because no EventStoreDB server runs in this environment.
import pino from 'pino';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb.event-store';

const connectionString = process.env.EVENTSTOREDB_URL;

if (connectionString === undefined || connectionString === '') {
  console.warn('EventStoreDB contract suite skipped: EVENTSTOREDB_URL is not set (e.g. esdb://127.0.0.1:2113?tls=false).');
  describe.skip('EventStore contract: EventStoreDB', () => {
    it('needs EVENTSTOREDB_URL', () => undefined);
  });
} else {
  const logger = pino({ level: 'silent' });
  describeEventStoreContract('EventStoreDB', {
    createStore: async () => new EventStoreDbEventStore({ connectionString, logger }),
    contiguousPositions: false,
  });
}
