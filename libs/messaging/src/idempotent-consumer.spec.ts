// Real: processConsumedMessage with the in-memory processed-event and dead-letter stores.
// Mocked: nothing; the payloads are built by hand because no Kafka broker is involved in unit tests.
import { EventHeaders } from '@team-access/contracts';
import type { KafkaMessage } from 'kafkajs';
import pino from 'pino';
import { currentCorrelation } from './correlation';
import { EventEnvelope, toKafkaMessage } from './event-envelope';
import { ConsumedEventContext, MessageProcessingOptions, processConsumedMessage } from './idempotent-consumer';
import { InMemoryDeadLetterStore, InMemoryProcessedEventStore } from './processed-events';
import { testEvent } from './testing/test-events';

const logger = pino({ level: 'silent' });

function consumedPayload(offset: string) {
  const event = { ...testEvent('org.organization.created', { organizationId: 'org-1' }, { correlationId: 'corr-7', organizationId: 'org-1' }), streamId: 'org-1', revision: 0, position: 5, recordedAt: new Date(0) };
  const produced = toKafkaMessage(event, event.data);
  const message: KafkaMessage = {
    key: Buffer.from(String(produced.key)),
    value: Buffer.from(String(produced.value)),
    headers: Object.fromEntries(Object.entries(produced.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))])),
    offset,
    timestamp: '0',
    attributes: 0,
  };
  return { event, payload: { topic: 'team-access.organization.events.v1', partition: 0, message } };
}

function setup(handler: MessageProcessingOptions['handler']) {
  const processedEvents = new InMemoryProcessedEventStore();
  const deadLetters = new InMemoryDeadLetterStore();
  const options: MessageProcessingOptions = {
    consumerName: 'identity.directory',
    handler,
    processedEvents,
    deadLetters,
    logger,
    maxAttempts: 3,
    retryBackoff: { initialDelayMs: 1, maxDelayMs: 2 },
  };
  return { options, processedEvents, deadLetters };
}

describe('processConsumedMessage', () => {
  it('runs the handler once per event id', async () => {
    const seen: EventEnvelope[] = [];
    const { options } = setup(async (event) => {
      seen.push(event);
    });
    const { event, payload } = consumedPayload('10');

    await processConsumedMessage(options, payload);
    await processConsumedMessage(options, { ...payload, message: { ...payload.message, offset: '11' } });

    expect(seen).toHaveLength(1);
    expect(seen[0]?.metadata.eventId).toBe(event.metadata.eventId);
  });

  it('exposes the correlation id to the handler', async () => {
    const contexts: ConsumedEventContext[] = [];
    const current: Array<string | undefined> = [];
    const { options } = setup(async (_event, context) => {
      contexts.push(context);
      current.push(currentCorrelation()?.correlationId);
    });
    const { payload } = consumedPayload('10');
    payload.message.headers = { ...payload.message.headers, [EventHeaders.correlationId]: Buffer.from('corr-from-header') };

    await processConsumedMessage(options, payload);

    expect(contexts[0]?.correlationId).toBe('corr-from-header');
    expect(current).toEqual(['corr-from-header']);
  });

  it('retries a failing handler, then parks the event', async () => {
    let calls = 0;
    const { options, processedEvents, deadLetters } = setup(async () => {
      calls += 1;
      throw new Error('downstream unavailable');
    });
    const { event, payload } = consumedPayload('10');

    await processConsumedMessage(options, payload);

    expect(calls).toBe(3);
    expect(deadLetters.letters).toHaveLength(1);
    expect(deadLetters.letters[0]).toMatchObject({ eventId: event.metadata.eventId, attempts: 3, error: 'Error: downstream unavailable', offset: '10' });
    expect(await processedEvents.isProcessed('identity.directory', event.metadata.eventId)).toBe(false);
  });

  it('records the event only after the handler succeeded', async () => {
    let calls = 0;
    const { options, processedEvents, deadLetters } = setup(async () => {
      calls += 1;
      if (calls === 1) {
        throw new Error('transient');
      }
    });
    const { event, payload } = consumedPayload('10');

    await processConsumedMessage(options, payload);

    expect(calls).toBe(2);
    expect(deadLetters.letters).toEqual([]);
    expect(await processedEvents.isProcessed('identity.directory', event.metadata.eventId)).toBe(true);
  });

  it('parks an undecodable message without calling the handler', async () => {
    let calls = 0;
    const { options, deadLetters } = setup(async () => {
      calls += 1;
    });
    const { payload } = consumedPayload('10');

    await processConsumedMessage(options, { ...payload, message: { ...payload.message, value: Buffer.from('not json') } });

    expect(calls).toBe(0);
    expect(deadLetters.letters[0]?.eventId).toBe('team-access.organization.events.v1/0/10');
  });

  it('leaves the event unrecorded when stopping mid-retry', async () => {
    const abort = new AbortController();
    const { options, processedEvents, deadLetters } = setup(async () => {
      abort.abort();
      throw new Error('failed while shutting down');
    });
    const { event, payload } = consumedPayload('10');

    await expect(processConsumedMessage(options, payload, abort.signal)).rejects.toThrow('aborted');

    expect(deadLetters.letters).toEqual([]);
    expect(await processedEvents.isProcessed('identity.directory', event.metadata.eventId)).toBe(false);
  });
});
