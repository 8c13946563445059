import { EventHeaders, KAFKA_NAMESPACE } from '@team-access/contracts';
import type { Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { runWithCorrelation } from './correlation';
import { decodeEventMessage, EventEnvelope, headerValue } from './event-envelope';
import { ConsumedMessageInfo, DeadLetterStore, ProcessedEventStore } from './processed-events';
import { BackoffOptions, OperationAbortedError, retry } from './retry';

/** What a handler learns about the message besides the event. */
export interface ConsumedEventContext {
  topic: string;
  partition: number;
  offset: string;
  /** The correlation id of the incoming message; also the current correlation while the handler runs. */
  correlationId: string;
  /** 1 on the first try, higher on retries. */
  attempt: number;
}

/** Handles one event. Must be idempotent: the processed-event record is only a second line of defense. */
export type ConsumedEventHandler = (event: EventEnvelope, context: ConsumedEventContext) => Promise<void>;

export interface MessageProcessingOptions {
  /** Consumer name in the processed-event and dead-letter records; the group id by default. */
  consumerName: string;
  handler: ConsumedEventHandler;
  processedEvents: ProcessedEventStore;
  deadLetters: DeadLetterStore;
  logger: Logger;
  /** Handler tries before the event is parked (default 5). */
  maxAttempts?: number;
  retryBackoff?: BackoffOptions;
}

export interface IdempotentConsumerOptions extends Omit<MessageProcessingOptions, 'consumerName'> {
  kafka: Kafka;
  /** Service name and purpose form the group id `<serviceName>.<purpose>`. */
  serviceName: string;
  purpose: string;
  topics: string[];
  /** Where a new consumer group starts: true (default) reads each topic from its first message. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
}

const DEFAULT_HANDLER_BACKOFF: BackoffOptions = { initialDelayMs: 200, maxDelayMs: 5_000, multiplier: 2 };

/**
 * Handles one consumed message: decodes it, skips it when already processed, runs the handler
 * with bounded retries, records it as processed, and parks it as a dead letter when it cannot
 * be decoded or every try failed. Throws only when a store is unreachable or `signal` aborted,
 * so that the offset is not committed and the message comes again.
 */
export async function processConsumedMessage(
  options: MessageProcessingOptions,
  payload: Pick<EachMessagePayload, 'topic' | 'partition' | 'message'> & { heartbeat?: () => Promise<void> },
  signal?: AbortSignal,
): Promise<void> {
  const { topic, partition, message } = payload;
  const decoded = decodeEventMessage(message);
  if (!decoded.ok) {
    options.logger.error({ topic, partition, offset: message.offset, reason: decoded.reason }, 'Consumed message is not an event; parking it');
    await options.deadLetters.park(
      deadLetter(options.consumerName, `${topic}/${partition}/${message.offset}`, 'unknown', payload, decoded.reason, 0),
    );
    return;
  }

  const event = decoded.envelope;
  const correlationId = headerValue(message.headers, EventHeaders.correlationId) ?? event.metadata.correlationId;
  const context = { correlationId, organizationId: event.metadata.organizationId };
  await runWithCorrelation(context, () => handleEvent(options, payload, event, correlationId, signal));
}

async function handleEvent(
  options: MessageProcessingOptions,
  payload: Pick<EachMessagePayload, 'topic' | 'partition' | 'message'> & { heartbeat?: () => Promise<void> },
  event: EventEnvelope,
  correlationId: string,
  signal?: AbortSignal,
): Promise<void> {
  const { topic, partition, message } = payload;
  const eventId = event.metadata.eventId;
  const fields = { consumer: options.consumerName, eventId, eventType: event.type, streamId: event.streamId, topic, partition, offset: message.offset };

  if (await options.processedEvents.isProcessed(options.consumerName, eventId)) {
    options.logger.debug(fields, 'Event already processed; skipping');
    return;
  }

  const maxAttempts = options.maxAttempts ?? 5;
  let attempts = 0;
  try {
    await retry(
      async (attempt) => {
        attempts = attempt;
        await options.handler(event, { topic, partition, offset: message.offset, correlationId, attempt });
      },
      {
        backoff: options.retryBackoff ?? DEFAULT_HANDLER_BACKOFF,
        maxAttempts,
        signal,
        onRetry: (error, attempt, delayMs) => {
          options.logger.warn({ ...fields, err: error, attempt, maxAttempts, retryInMs: delayMs }, 'Event handler failed; retrying');
          void payload.heartbeat?.().catch(() => undefined);
        },
      },
    );
  } catch (error: unknown) {
    if (error instanceof OperationAbortedError) {
      options.logger.warn({ ...fields, attempts }, 'Consumer stopping; event left uncommitted for redelivery');
      throw error;
    }
    options.logger.error({ ...fields, err: error, attempts }, 'Event handler failed on every try; parking the event as a dead letter');
    await options.deadLetters.park(deadLetter(options.consumerName, eventId, event.type, payload, describeError(error), attempts));
    return;
  }

  const info: ConsumedMessageInfo = { eventType: event.type, topic, partition, offset: message.offset };
  await options.processedEvents.markProcessed(options.consumerName, eventId, info);
  options.logger.debug({ ...fields, attempts }, 'Event processed');
}

/**
 * A Kafka consumer for other services' events that processes each event id once per consumer
 * name (see processConsumedMessage). Offsets are committed by kafkajs after `eachMessage`
 * returns, so a crash mid-handler redelivers the message.
 */
export class IdempotentConsumer {
  private readonly consumer: Consumer;
  private readonly groupId: string;
  private readonly stopping = new AbortController();
  private running = false;

  constructor(private readonly options: IdempotentConsumerOptions) {
    if (options.topics.length === 0) {
      throw new Error(`Consumer ${options.serviceName}.${options.purpose} has no topics. Pass at least one topic.`);
    }

    this.groupId = `${KAFKA_NAMESPACE}${options.serviceName}.${options.purpose}`;
    this.consumer = options.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      allowAutoTopicCreation: false,
    });
  }

  /** Joins the group and starts handling messages. */
  async start(): Promise<void> {
    const processing: MessageProcessingOptions = { ...this.options, consumerName: this.groupId };
    const fields = { groupId: this.groupId, topics: this.options.topics };

    this.options.logger.info(fields, 'Consumer starting');
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: true,
      eachMessage: (payload) => processConsumedMessage(processing, payload, this.stopping.signal),
    });
    this.running = true;
    this.options.logger.info(fields, 'Consumer started');
  }

  /**
   * Stops fetching, lets the in-flight handler finish (its retry waits are cut short, leaving
   * that message uncommitted), commits the processed offsets and disconnects.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.consumer.disconnect();
    if (this.running) {
      this.running = false;
      this.options.logger.info({ groupId: this.groupId }, 'Consumer stopped');
    }
  }

  /** The group id, `<serviceName>.<purpose>`, also used as the consumer name in the stores. */
  get consumerGroupId(): string {
    return this.groupId;
  }
}

function deadLetter(
  consumer: string,
  eventId: string,
  eventType: string,
  payload: { topic: string; partition: number; message: KafkaMessage },
  error: string,
  attempts: number,
) {
  const { topic, partition, message } = payload;
  return {
    consumer,
    eventId,
    eventType,
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? null : message.value.toString('utf8'),
    headers: headersAsStrings(message.headers),
    error,
    attempts,
    parkedAt: new Date(),
  };
}

function headersAsStrings(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerValue(headers, name);
    if (value !== undefined) {
      result[name] = value;
    }
  }
  return result;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
