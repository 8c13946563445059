import 'reflect-metadata';
import { SessionTokenSigner } from '@team-access/auth';
import { Topics } from '@team-access/contracts';
import { IdempotentConsumer, MongoDeadLetterStore, MongoProcessedEventStore } from '@team-access/messaging';
import { eventSourcedInfrastructure, readJwkFile, runService } from '@team-access/runtime';
import { directoryEventsHandler } from './directory/directory.consumer';
import { DIRECTORY_INDEXES } from './directory/directory.read-models';
import { identityModule } from './identity.module';
import { loadIdentitySettings } from './identity.settings';

void runService({
  name: 'identity',
  rpc: true,
  loadSettings: () => loadIdentitySettings(),
  infrastructure: (settings) => eventSourcedInfrastructure('identity', settings, Topics.identityEvents, []),
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
