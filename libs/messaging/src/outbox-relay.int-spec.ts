// Real: the Kafka broker at KAFKA_BROKERS, kafkajs producer and consumer, the in-memory event
// store, OutboxRelay and the in-memory checkpoint store. Mocked: nothing.
import { randomUUID } from 'node:crypto';
import { EventHeaders } from '@team-access/contracts';
import { InMemoryEventStore, RecordedEvent } from '@team-access/event-store';
import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { InMemoryCheckpointStore } from './checkpoint-store';
import { decodeEventMessage, EventEnvelope, headerValue } from './event-envelope';
import { createKafka, ensureTopics, parseBrokers } from './kafka.config';
import { OutboxRelay } from './outbox-relay';
import { testEvent, waitUntil } from './testing/test-events';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

interface Received {
  key: string;
  envelope: EventEnvelope;
  message: KafkaMessage;
}

describe('OutboxRelay on Kafka', () => {
  let kafka: Kafka;
  let topic: string;
  let consumer: Consumer;
  const received: Received[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: parseBrokers(process.env.KAFKA_BROKERS), clientId: 'relay-int-spec' }, logger);
    topic = `test.relay.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [topic], { partitions: 3 });
    await admin.disconnect();

    consumer = kafka.consumer({ groupId: `relay-int-spec-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeEventMessage(message);
        if (!decoded.ok) {
          throw new Error(`Relay published an undecodable message: ${decoded.reason}`);
        }
        received.push({ key: String(message.key), envelope: decoded.envelope, message });
      },
    });
  });

  afterAll(async () => {
    await consumer.disconnect();
  });

  it('publishes in order per key and resumes from its checkpoint', async () => {
    const store = new InMemoryEventStore({ logger });
    const checkpoints = new InMemoryCheckpointStore();
    const streams = ['inbox-a', 'inbox-b', 'inbox-c'];
    for (let n = 0; n < 30; n += 1) {
      const stream = streams[n % streams.length] ?? 'inbox-a';
      await store.append(stream, [testEvent('inbox.inbox.created', { n, secret: `sealed-${n}` }, { causationId: `cause-${n}` })], 'any');
    }
    const relayOptions = {
      name: 'int-spec-relay',
      store,
      kafka,
      checkpoints,
      topicFor: () => topic,
      // Stands in for decryption: the published data must be the transformed one.
      transformData: (event: RecordedEvent) => ({ ...(event.data as Record<string, unknown>), secret: 'opened' }),
      logger,
      maxBatchSize: 7,
      retryBackoff: { initialDelayMs: 50, maxDelayMs: 500 },
    };

    const first = new OutboxRelay(relayOptions);
    await first.start();
    await waitUntil(() => received.length >= 30, 'the consumer received the first 30 events', 60_000);
    await first.stop();
    expect(await checkpoints.load('int-spec-relay')).toBe(30);

    for (let n = 30; n < 40; n += 1) {
      await store.append(streams[n % streams.length] ?? 'inbox-a', [testEvent('inbox.inbox.created', { n, secret: `sealed-${n}` })], 'any');
    }
    const second = new OutboxRelay(relayOptions);
    await second.start();
    await waitUntil(() => received.length >= 40, 'the consumer received all 40 events', 60_000);
    await second.stop();

    const stored = await store.readAll({ fromPosition: 0, maxCount: 100 });
    expect(received.map((entry) => entry.envelope.metadata.eventId).sort()).toEqual(stored.map((event) => event.metadata.eventId).sort());
    expect(await checkpoints.load('int-spec-relay')).toBe(40);

    for (const stream of streams) {
      const revisions = received.filter((entry) => entry.key === stream).map((entry) => entry.envelope.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
      expect(new Set(revisions).size).toBe(revisions.length);
    }

    const sample = received.find((entry) => entry.envelope.position === 5);
    const original = stored[4];
    expect(sample).toBeDefined();
    expect(original).toBeDefined();
    if (sample === undefined || original === undefined) {
      return;
    }
    expect(sample.key).toBe(original.streamId);
    expect(sample.envelope.data).toEqual({ n: 4, secret: 'opened' });
    expect(headerValue(sample.message.headers, EventHeaders.eventId)).toBe(original.metadata.eventId);
    expect(headerValue(sample.message.headers, EventHeaders.eventType)).toBe('inbox.inbox.created');
    expect(headerValue(sample.message.headers, EventHeaders.schemaVersion)).toBe('1');
    expect(headerValue(sample.message.headers, EventHeaders.correlationId)).toBe(original.metadata.correlationId);
    expect(headerValue(sample.message.headers, EventHeaders.causationId)).toBe('cause-4');
    expect(headerValue(sample.message.headers, EventHeaders.organizationId)).toBe('org-test');
    expect(headerValue(sample.message.headers, EventHeaders.streamId)).toBe(original.streamId);
    expect(headerValue(sample.message.headers, EventHeaders.streamRevision)).toBe(String(original.revision));
  });

  it('retries a failed send without loss or reordering', async () => {
    const store = new InMemoryEventStore({ logger });
    const checkpoints = new InMemoryCheckpointStore();
    // The topic does not exist yet and auto-creation is off, so every send fails until it is created.
    const lateTopic = `test.relay.late.${randomUUID()}`;
    for (let n = 0; n < 12; n += 1) {
      await store.append(`stream-${n % 2}`, [testEvent('inbox.inbox.created', { n })], 'any');
    }
    let failedSends = 0;
    const countingLogger = pino({ level: 'warn' }, { write: (line: string) => (failedSends += line.includes('send failed') ? 1 : 0) });
    const relay = new OutboxRelay({
      name: 'int-spec-late-relay',
      store,
      kafka,
      checkpoints,
      topicFor: () => lateTopic,
      logger: countingLogger,
      maxBatchSize: 5,
      retryBackoff: { initialDelayMs: 100, maxDelayMs: 500 },
    });
    await relay.start();
    await waitUntil(() => failedSends >= 1, 'the relay logged a failed send', 60_000);
    expect(await checkpoints.load('int-spec-late-relay')).toBe(0);

    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [lateTopic], { partitions: 2 });
    await admin.disconnect();
    await waitUntil(async () => (await checkpoints.load('int-spec-late-relay')) === 12, 'the relay checkpointed all 12 events', 60_000);
    await relay.stop();

    const lateReceived: Array<{ key: string; n: number }> = [];
    const reader = kafka.consumer({ groupId: `relay-int-spec-late-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topics: [lateTopic], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const decoded = decodeEventMessage(message);
        const data = decoded.ok ? (decoded.envelope.data as { n: number }) : { n: -1 };
        lateReceived.push({ key: String(message.key), n: data.n });
      },
    });
    await waitUntil(() => lateReceived.length >= 12, 'the reader received 12 events', 60_000);
    await reader.disconnect();

    expect(new Set(lateReceived.map((entry) => entry.n)).size).toBe(12);
    for (const key of ['stream-0', 'stream-1']) {
      const order = lateReceived.filter((entry) => entry.key === key).map((entry) => entry.n);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });
});
