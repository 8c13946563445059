import type { Logger } from 'pino';
import { ReadAllOptions, RecordedEvent, SubscribeOptions, SubscriptionHandle } from '../event-store.port';
import { WakeSignal } from './wake-signal';

export const DEFAULT_SUBSCRIPTION_BATCH_SIZE = 500;

/** The adapter operations that a catch-up subscription uses. */
export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Registers the signal that the adapter notifies after new events become readable. */
  addWakeSignal(signal: WakeSignal): void;
  removeWakeSignal(signal: WakeSignal): void;
  /** Upper bound of the idle wait in ms, so a lost notification cannot stall delivery. Undefined waits for a notify only. */
  pollIntervalMs?: number;
  logger: Logger;
}

const MAX_READ_RETRY_DELAY_MS = 5_000;

/**
 * Runs a catch-up subscription on top of `readAll`: reads batches after the checkpoint until
 * a batch comes back short, then waits for a wake-up (or the poll interval) and reads again.
 * Because live delivery is the same read, the switch from catch-up to live cannot skip or
 * repeat an event, provided `readAll` never returns a position before a smaller one becomes
 * visible (the adapters guarantee this).
 */
export function startCatchUpSubscription(source: CatchUpSource, options: SubscribeOptions): SubscriptionHandle {
  const batchSize = options.batchSize ?? DEFAULT_SUBSCRIPTION_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new Error(`Subscription failed to start: batchSize ${batchSize} is invalid. Pass an integer >= 1.`);
  }
  if (!Number.isSafeInteger(options.fromPosition) || options.fromPosition < 0) {
    throw new Error(
      `Subscription failed to start: fromPosition ${options.fromPosition} is invalid. Pass an integer >= 0.`,
    );
  }

  const signal = new WakeSignal();
  let stopped = false;
  source.addWakeSignal(signal);

  const done = runLoop().finally(() => source.removeWakeSignal(signal));
  // `done` is returned to the caller; this catch only keeps an unobserved handler error from
  // crashing the process. The loop logs the error itself.
  done.catch(() => undefined);

  async function runLoop(): Promise<void> {
    let position = options.fromPosition;
    let failedReads = 0;

    while (!stopped) {
      signal.clear();

      let batch: RecordedEvent[];
      try {
        batch = await source.readAll({ fromPosition: position, maxCount: batchSize });
        failedReads = 0;
      } catch (error: unknown) {
        failedReads += 1;
        const retryInMs = Math.min(MAX_READ_RETRY_DELAY_MS, 100 * 2 ** Math.min(failedReads, 10));
        source.logger.error(
          { err: error, fromPosition: position, failedReads, retryInMs },
          'Subscription read failed; retrying',
        );
        await signal.wait(retryInMs);
        continue;
      }

      for (const event of batch) {
        if (stopped) {
          return;
        }
        try {
          await options.handler(event);
        } catch (error: unknown) {
          source.logger.error(
            { err: error, position: event.position, streamId: event.streamId, eventId: event.metadata.eventId },
            'Subscription handler failed; subscription stopped',
          );
          throw error;
        }
        position = event.position;
      }

      if (batch.length < batchSize && !stopped) {
        await signal.wait(source.pollIntervalMs);
      }
    }
  }

  return {
    done,
    async stop(): Promise<void> {
      stopped = true;
      signal.notify();
      await done.catch(() => undefined);
    },
  };
}
