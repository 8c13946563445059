// Real: the Kafka broker at KAFKA_BROKERS, FerretDB at MONGODB_URL (processed_events and
// dead_letters), IdempotentConsumer and the kafkajs producer. Mocked: nothing.
import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@team-access/event-store';
import { Kafka, Producer } from 'kafkajs';
import mongoose, { Connection, mongo } from 'mongoose';
import pino from 'pino';
import { EventEnvelope, toKafkaMessage } from './event-envelope';
import { IdempotentConsumer } from './idempotent-consumer';
import { createKafka, ensureTopics, parseBrokers } from './kafka.config';
import { MongoDeadLetterStore, MongoProcessedEventStore } from './processed-events';
import { testEvent, waitUntil } from './testing/test-events';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const MONGODB_URL = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/team_access_test';

function recorded(type: string, data: unknown, position: number): RecordedEvent {
  return { ...testEvent(type, data), streamId: `stream-${position}`, revision: 0, position, recordedAt: new Date(0) };
}

describe('IdempotentConsumer on Kafka and FerretDB', () => {
  let kafka: Kafka;
  let producer: Producer;
  let connection: Connection;
  let db: mongo.Db;

  beforeAll(async () => {
    kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS), clientId: 'consumer-int-spec' }, logger);
    producer = kafka.producer();
    await producer.connect();
    connection = await mongoose.createConnection(MONGODB_URL, { autoIndex: false, serverSelectionTimeoutMS: 10_000 }).asPromise();
    if (connection.db === undefined) {
      throw new Error('MongoDB connection has no database after opening.');
    }
    db = connection.db;
  });

  afterAll(async () => {
    await producer.disconnect();
    await connection.close();
  });

  it('skips a redelivered event id and parks a poison event', async () => {
    const topic = `test.consumer.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic], { partitions: 1 });
    await admin.disconnect();
    const processedEvents = new MongoProcessedEventStore(db);
    const deadLetters = new MongoDeadLetterStore(db);
    await processedEvents.ensureIndexes();
    await deadLetters.ensureIndexes();

    const first = recorded('org.organization.created', { organizationId: 'org-1' }, 1);
    const poison = recorded('org.entra_tenant.connected', { organizationId: 'org-1', poison: true }, 2);
    const last = recorded('org.entra_tenant.disconnected', { organizationId: 'org-1' }, 3);
    const handled: EventEnvelope[] = [];
    const purpose = `int-spec-${randomUUID().slice(0, 8)}`;
    const consumer = new IdempotentConsumer({
      kafka,
      serviceName: 'identity',
      purpose,
      topics: [topic],
      processedEvents,
      deadLetters,
      logger,
      maxAttempts: 2,
      retryBackoff: { initialDelayMs: 10, maxDelayMs: 20 },
      handler: async (event) => {
        if ((event.data as { poison?: boolean }).poison === true) {
          throw new Error('cannot handle this event');
        }
        handled.push(event);
      },
    });

    await producer.send({
      topic,
      messages: [toKafkaMessage(first, first.data), toKafkaMessage(first, first.data), toKafkaMessage(poison, poison.data), toKafkaMessage(last, last.data)],
    });
    await consumer.start();
    await waitUntil(() => handled.some((event) => event.metadata.eventId === last.metadata.eventId), 'the consumer handled the last event', 60_000);
    await consumer.stop();

    const consumerName = `identity.${purpose}`;
    expect(handled.map((event) => event.metadata.eventId)).toEqual([first.metadata.eventId, last.metadata.eventId]);
    expect(await db.collection('processed_events').countDocuments({ consumer: consumerName })).toBe(2);
    const parked = await db.collection('dead_letters').find({ consumer: consumerName }).toArray();
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ eventId: poison.metadata.eventId, attempts: 2, error: 'Error: cannot handle this event' });

    // A new consumer in the same group resumes after the committed offsets: nothing is handled again.
    const handledAgain: EventEnvelope[] = [];
    const restarted = new IdempotentConsumer({
      kafka,
      serviceName: 'identity',
      purpose,
      topics: [topic],
      processedEvents,
      deadLetters,
      logger,
      handler: async (event) => {
        handledAgain.push(event);
      },
    });
    const sentinel = recorded('org.organization.created', { organizationId: 'org-2' }, 4);
    await restarted.start();
    await producer.send({ topic, messages: [toKafkaMessage(sentinel, sentinel.data)] });
    await waitUntil(() => handledAgain.length > 0, 'the restarted consumer handled the new event', 60_000);
    await restarted.stop();

    expect(handledAgain.map((event) => event.metadata.eventId)).toEqual([sentinel.metadata.eventId]);
  });
});
