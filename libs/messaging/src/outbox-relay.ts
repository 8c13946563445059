import type { EventStore, RecordedEvent } from '@team-access/event-store';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import { CheckpointStore } from './checkpoint-store';
import { CheckpointedSubscription } from './checkpointed-subscription';
import { runWithCorrelation } from './correlation';
import { toKafkaMessage } from './event-envelope';
import { BackoffOptions, DEFAULT_BACKOFF, retry } from './retry';

export interface OutboxRelayOptions {
  /** Checkpoint name, unique per relay, for example "inbox-relay". */
  name: string;
  store: EventStore;
  kafka: Kafka;
  checkpoints: CheckpointStore;
  /** Topic of an event; usually the service's single events topic. */
  topicFor: (event: RecordedEvent) => string;
  /** Returns the `data` to publish (default: the stored data). Services decrypt sealed personal data here. */
  transformData?: (event: RecordedEvent) => unknown | Promise<unknown>;
  logger: Logger;
  /** Maximum events per Kafka request (default 100). */
  maxBatchSize?: number;
  /** Wait for more events before sending a partial batch, in ms (default 0). */
  lingerMs?: number;
  /** Delay between retries of a failed send or checkpoint write. */
  retryBackoff?: BackoffOptions;
  /** How long `stop` may spend publishing the buffered events, in ms (default 10000). */
  stopTimeoutMs?: number;
}

/**
 * Publishes the service's stored events to Kafka, at least once and in store order.
 *
 * Each batch is sent with acks=-1 by an idempotent producer with one request in flight, and
 * the checkpoint moves only after Kafka acknowledged the whole batch. A failed send is retried
 * with backoff, with the same events in the same order, until it succeeds or `stop` times out.
 * A crash after the send but before the checkpoint write publishes that batch again at the
 * next start, so consumers must deduplicate by event id.
 */
export class OutboxRelay {
  private readonly producer: Producer;
  private readonly subscription: CheckpointedSubscription;
  private checkpoint = 0;
  private started = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.producer = options.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // The relay retries whole batches itself; kafkajs' own retries only cover short blips.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    this.subscription = new CheckpointedSubscription({
      name: options.name,
      store: options.store,
      loadCheckpoint: () => this.loadCheckpoint(),
      processBatch: (batch, signal) => this.publishBatch(batch, signal),
      maxBatchSize: options.maxBatchSize,
      lingerMs: options.lingerMs,
      stopTimeoutMs: options.stopTimeoutMs,
      restartBackoff: options.retryBackoff,
      logger: options.logger,
    });
  }

  /** Position of the last event Kafka acknowledged, as stored. */
  get position(): number {
    return this.checkpoint;
  }

  /** Connects the producer and starts publishing after the stored checkpoint. */
  async start(): Promise<void> {
    this.options.logger.info({ relay: this.options.name }, 'Outbox relay starting');
    await this.producer.connect();
    await this.subscription.start();
    this.started = true;
    this.options.logger.info({ relay: this.options.name, fromPosition: this.checkpoint }, 'Outbox relay started');
  }

  /** Stops the subscription, publishes and checkpoints the buffered events, then disconnects. */
  async stop(): Promise<void> {
    if (!this.started) {
      await this.producer.disconnect();
      return;
    }

    this.started = false;
    await this.subscription.stop();
    await this.producer.disconnect();
    this.options.logger.info({ relay: this.options.name, position: this.checkpoint }, 'Outbox relay stopped');
  }

  private async loadCheckpoint(): Promise<number> {
    this.checkpoint = await this.options.checkpoints.load(this.options.name);
    return this.checkpoint;
  }

  private async publishBatch(batch: RecordedEvent[], signal: AbortSignal): Promise<void> {
    const first = batch[0];
    const last = batch[batch.length - 1];
    if (first === undefined || last === undefined) {
      return;
    }
    const batchFields = {
      relay: this.options.name,
      fromPosition: first.position,
      toPosition: last.position,
      count: batch.length,
      streamId: first.streamId,
      eventType: first.type,
    };
    const onRetry = (step: string) => (error: unknown, attempt: number, delayMs: number) =>
      this.options.logger.warn({ ...batchFields, err: error, attempt, retryInMs: delayMs }, `Outbox relay ${step} failed; retrying`);
    const retryOptions = { backoff: this.options.retryBackoff ?? DEFAULT_BACKOFF, signal };

    const topicMessages = await retry(() => this.buildTopicMessages(batch), { ...retryOptions, onRetry: onRetry('transform') });

    await retry(() => this.producer.sendBatch({ topicMessages, acks: -1 }), { ...retryOptions, onRetry: onRetry('send') });

    await retry(() => this.options.checkpoints.save(this.options.name, last.position), {
      ...retryOptions,
      onRetry: onRetry('checkpoint write'),
    });
    this.checkpoint = last.position;
    this.options.logger.debug(batchFields, 'Outbox relay published batch');
  }

  /** Groups messages by topic, keeping store order within each topic. */
  private async buildTopicMessages(batch: RecordedEvent[]): Promise<TopicMessages[]> {
    const byTopic = new Map<string, Message[]>();

    for (const event of batch) {
      const data = await this.transformEventData(event);
      const topic = this.options.topicFor(event);
      const messages = byTopic.get(topic) ?? [];
      messages.push(toKafkaMessage(event, data));
      byTopic.set(topic, messages);
    }

    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  private async transformEventData(event: RecordedEvent): Promise<unknown> {
    const transform = this.options.transformData;
    if (transform === undefined) {
      return event.data;
    }

    const context = { correlationId: event.metadata.correlationId, organizationId: event.metadata.organizationId };
    try {
      return await runWithCorrelation(context, () => transform(event));
    } catch (error: unknown) {
      this.options.logger.error(
        { err: error, relay: this.options.name, eventId: event.metadata.eventId, streamId: event.streamId, eventType: event.type },
        'Outbox relay transformData failed',
      );
      throw error;
    }
  }
}
