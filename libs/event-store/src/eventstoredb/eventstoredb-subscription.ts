import type { Logger } from 'pino';
import { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import { RecordedEvent, SubscribeOptions, SubscriptionHandle } from '../event-store.port';
import { WakeSignal } from '../internal/wake-signal';

export interface EventStoreDbSubscriptionSource {
  /** Opens a server-side catch-up subscription to $all after `fromPosition` (0 = start). */
  subscribe(fromPosition: number): AllStreamSubscription;
  toRecordedEvent(resolved: AllStreamResolvedEvent): RecordedEvent | null;
  logger: Logger;
}

const MAX_RESUBSCRIBE_DELAY_MS = 5_000;

class HandlerFailed extends Error {
  constructor(readonly handlerError: unknown) {
    super('Subscription handler failed');
  }
}

/**
 * Runs an ESDB catch-up subscription with the port's semantics. The handler runs for one
 * event at a time, because the async iterator applies back-pressure. Events at or before the
 * checkpoint are dropped. When the server drops the stream, the loop resubscribes from the
 * last handled position. `batchSize` does not apply, because the server streams events.
 */
export function startEventStoreDbSubscription(
  source: EventStoreDbSubscriptionSource,
  options: SubscribeOptions,
): SubscriptionHandle {
  if (!Number.isSafeInteger(options.fromPosition) || options.fromPosition < 0) {
    throw new Error(
      `Subscription failed to start: fromPosition ${options.fromPosition} is invalid. Pass an integer >= 0.`,
    );
  }

  const stopSignal = new WakeSignal();
  let stopped = false;
  let current: AllStreamSubscription | null = null;

  const done = runLoop();
  // The caller receives `done`; this catch only keeps an unobserved handler error from
  // crashing the process. The loop logs the error itself.
  done.catch(() => undefined);

  async function runLoop(): Promise<void> {
    let position = options.fromPosition;
    let failures = 0;

    while (!stopped) {
      const subscription = source.subscribe(position);
      current = subscription;
      try {
        for await (const resolved of subscription) {
          if (stopped) {
            break;
          }
          const event = source.toRecordedEvent(resolved as AllStreamResolvedEvent);
          if (event === null || event.position <= position) {
            continue;
          }
          await deliver(event);
          position = event.position;
          failures = 0;
        }
        if (stopped) {
          return;
        }
        source.logger.warn({ position }, 'EventStoreDB subscription ended; resubscribing');
      } catch (error: unknown) {
        if (error instanceof HandlerFailed) {
          await subscription.unsubscribe().catch(() => undefined);
          throw error.handlerError;
        }
        if (stopped) {
          return;
        }
        failures += 1;
        const retryInMs = Math.min(MAX_RESUBSCRIBE_DELAY_MS, 100 * 2 ** Math.min(failures, 10));
        source.logger.error({ err: error, position, failures, retryInMs }, 'EventStoreDB subscription failed; resubscribing');
        await stopSignal.wait(retryInMs);
      }
    }
  }

  async function deliver(event: RecordedEvent): Promise<void> {
    try {
      await options.handler(event);
    } catch (error: unknown) {
      source.logger.error(
        { err: error, position: event.position, streamId: event.streamId, eventId: event.metadata.eventId },
        'Subscription handler failed; subscription stopped',
      );
      throw new HandlerFailed(error);
    }
  }

  return {
    done,
    async stop(): Promise<void> {
      stopped = true;
      stopSignal.notify();
      await current?.unsubscribe().catch(() => undefined);
      await done.catch(() => undefined);
    },
  };
}
