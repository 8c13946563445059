import 'reflect-metadata';
import { Topics } from '@team-access/contracts';
import { IdempotentConsumer, MongoDeadLetterStore, MongoProcessedEventStore } from '@team-access/messaging';
import { eventSourcedInfrastructure, runService } from '@team-access/runtime';
import { identityEventsHandler } from './claims/identity-events.handler';
import { InboxCommands } from './inboxes/inbox.commands';
import { inboxModule } from './inbox.module';
import { loadInboxSettings } from './inbox.settings';
import { inboxProjection } from './memberships/memberships.projection';
import { MembershipQueries } from './memberships/memberships.queries';

void runService({
  name: 'inbox',
  rpc: true,
  loadSettings: () => loadInboxSettings(),
  infrastructure: (settings) => eventSourcedInfrastructure('inbox', settings, Topics.inboxEvents, [inboxProjection]),
  module: (_settings, _infrastructure, logger) => inboxModule(logger),
  afterStart: async (app, infrastructure, logger) => {
    const consumer = new IdempotentConsumer({
      kafka: infrastructure.kafka,
      serviceName: 'inbox',
      purpose: 'identity-events',
      topics: [Topics.identityEvents],
      handler: identityEventsHandler(app.get(InboxCommands), app.get(MembershipQueries), logger),
      processedEvents: new MongoProcessedEventStore(infrastructure.db),
      deadLetters: new MongoDeadLetterStore(infrastructure.db),
      logger: logger.child({ consumer: 'identity-events' }),
    });
    await consumer.start();
    return () => consumer.stop();
  },
});
