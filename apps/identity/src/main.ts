import 'reflect-metadata';
import { SessionTokenSigner } from '@team-access/auth';
import { Topics } from '@team-access/contracts';
import { IdempotentConsumer, MongoDeadLetterStore, MongoProcessedEventStore } from '@team-access/messaging';
import { readJwkFile, RPC_TOPICS, runService } from '@team-access/runtime';
import { directoryEventsHandler } from './directory/directory.consumer';
import { DIRECTORY_INDEXES } from './directory/directory.read-models';
import { identityModule } from './identity.module';
import { loadIdentitySettings } from './identity.settings';

void runService({
  name: 'identity',
  rpc: true,
  loadSettings: () => loadIdentitySettings(),
  infrastructure: (settings) => ({
    serviceName: 'identity',
    kafkaBrokers: settings.kafkaBrokers,
    mongodbUrl: settings.MONGODB_URL,
    eventStore: {
      kind: settings.EVENT_STORE,
      postgresUrl: settings.EVENT_STORE_PG_URL,
      eventStoreDbUrl: settings.EVENTSTOREDB_URL,
      personalDataMasterKeyFile: settings.PERSONAL_DATA_MASTER_KEY_FILE,
      topic: Topics.identityEvents,
      projections: [],
    },
    topics: [...Object.values(Topics), ...RPC_TOPICS],
  }),
  module: async (settings, infrastructure, logger) => {
    const signer = await SessionTokenSigner.fromJwk(readJwkFile('SESSION_JWK_FILE', settings.SESSION_JWK_FILE), settings.SESSION_LIFETIME_SECONDS);
    for (const index of DIRECTORY_INDEXES) {
      await infrastructure.db.collection(index.collection).createIndex(index.keys, { name: index.name });
    }
    return identityModule({ currentTermsVersion: settings.TERMS_VERSION }, signer, logger);
  },
  afterStart: async (_app, infrastructure, logger) => {
    const consumer = new IdempotentConsumer({
      kafka: infrastructure.kafka,
      serviceName: 'identity',
      purpose: 'directory',
      topics: [Topics.organizationEvents, Topics.inboxEvents],
      handler: directoryEventsHandler(infrastructure.mongo, logger),
      processedEvents: new MongoProcessedEventStore(infrastructure.db),
      deadLetters: new MongoDeadLetterStore(infrastructure.db),
      logger: logger.child({ consumer: 'directory' }),
    });
    await consumer.start();
    return () => consumer.stop();
  },
});
