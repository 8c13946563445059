import 'reflect-metadata';
import { Module } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { Topics } from '@team-access/contracts';
import { IdempotentConsumer, MongoDeadLetterStore, MongoProcessedEventStore } from '@team-access/messaging';
import { runService } from '@team-access/runtime';
import { DELIVERIES_COLLECTION, invitationEmailHandler } from './invitation-email/invitation-email.handler';
import { loadNotifierSettings } from './notifier.settings';

@Module({})
class NotifierModule {}

void runService({
  name: 'notifier',
  rpc: false,
  loadSettings: () => loadNotifierSettings(),
  infrastructure: (loaded) => ({
    serviceName: 'notifier',
    kafkaBrokers: loaded.kafkaBrokers,
    mongodbUrl: loaded.MONGODB_URL,
    topics: Object.values(Topics),
  }),
  module: () => NotifierModule,
  afterStart: async (_app, infrastructure, logger, settings) => {
    const transport = nodemailer.createTransport(settings.SMTP_URL);
    await infrastructure.db.collection(DELIVERIES_COLLECTION).createIndex({ updatedAt: 1 }, { name: 'deliveries_by_time' });

    const consumer = new IdempotentConsumer({
      kafka: infrastructure.kafka,
      serviceName: 'notifier',
      purpose: 'invitation-email',
      topics: [Topics.inboxEvents],
      handler: invitationEmailHandler(infrastructure.db, transport, settings.MAIL_FROM, `${settings.PUBLIC_BASE_URL.replace(/\/$/, '')}/signin`, logger),
      processedEvents: new MongoProcessedEventStore(infrastructure.db),
      deadLetters: new MongoDeadLetterStore(infrastructure.db),
      logger: logger.child({ consumer: 'invitation-email' }),
    });
    await consumer.start();
    return async () => {
      await consumer.stop();
      transport.close();
    };
  },
});
