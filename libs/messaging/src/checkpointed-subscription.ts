import type { EventStore, RecordedEvent, SubscriptionHandle } from '@team-access/event-store';
import type { Logger } from 'pino';
import { EventBatcher } from './event-batcher';
import { BackoffOptions, backoffDelay, DEFAULT_BACKOFF, sleep } from './retry';

export interface CheckpointedSubscriptionOptions {
  /** Name used in logs, for example "inbox-relay" or "inboxes@2". */
  name: string;
  store: EventStore;
  /** Returns the exclusive position to resume after; 0 starts from the first event. */
  loadCheckpoint: () => Promise<number>;
  /**
   * Processes one batch and stores its checkpoint. Throwing restarts the subscription from the
   * last stored checkpoint, so the batch is delivered again. `signal` aborts when a stop runs
   * past its deadline; long retries inside must give up then.
   */
  processBatch: (batch: RecordedEvent[], signal: AbortSignal) => Promise<void>;
  /** Maximum events per batch (default 100). */
  maxBatchSize?: number;
  /** Wait for more events before processing a partial batch, in ms (default 0). */
  lingerMs?: number;
  /** Events per event-store read (the adapter's default when unset). */
  readBatchSize?: number;
  /** Delay between restarts after a failure. */
  restartBackoff?: BackoffOptions;
  /** How long `stop` may spend processing the buffered events, in ms (default 10000). */
  stopTimeoutMs?: number;
  logger: Logger;
}

type RunOutcome = { kind: 'stopped' } | { kind: 'failed'; error: unknown };

/**
 * A catch-up subscription to the event store that hands consecutive events to `processBatch`
 * in batches and resumes from a stored checkpoint. Delivery is at least once: after a failure
 * or a crash, the events after the last stored checkpoint are delivered again, in order.
 */
export class CheckpointedSubscription {
  private readonly stopRequested = new AbortController();
  private readonly stopDeadline = new AbortController();
  private loop: Promise<void> | undefined;
  private currentHandle: SubscriptionHandle | undefined;
  private failedRuns = 0;

  constructor(private readonly options: CheckpointedSubscriptionOptions) {}

  /** Loads the checkpoint and subscribes. Rejects when the first checkpoint load fails. */
  async start(): Promise<void> {
    if (this.loop !== undefined) {
      throw new Error(`Subscription ${this.options.name} is already started. Create a new instance to start again.`);
    }

    const fromPosition = await this.options.loadCheckpoint();
    this.options.logger.info({ subscription: this.options.name, fromPosition }, 'Subscription started');
    this.loop = this.runUntilStopped(fromPosition);
  }

  /** Stops delivery, processes the buffered events (bounded by `stopTimeoutMs`) and returns once idle. */
  async stop(): Promise<void> {
    if (this.loop === undefined || this.stopRequested.signal.aborted) {
      await this.loop;
      return;
    }

    this.stopRequested.abort();
    const deadline = setTimeout(() => this.stopDeadline.abort(), this.options.stopTimeoutMs ?? 10_000);
    try {
      await this.currentHandle?.stop();
      await this.loop;
    } finally {
      clearTimeout(deadline);
    }
    this.options.logger.info({ subscription: this.options.name }, 'Subscription stopped');
  }

  private async runUntilStopped(initialPosition: number): Promise<void> {
    let knownPosition: number | undefined = initialPosition;

    while (!this.stopRequested.signal.aborted) {
      let outcome: RunOutcome;
      try {
        const fromPosition = knownPosition ?? (await this.options.loadCheckpoint());
        knownPosition = undefined;
        outcome = await this.runOnce(fromPosition);
      } catch (error: unknown) {
        outcome = { kind: 'failed', error };
      }

      if (outcome.kind === 'stopped') {
        return;
      }

      this.failedRuns += 1;
      const restartInMs = backoffDelay(this.failedRuns, this.options.restartBackoff ?? DEFAULT_BACKOFF);
      this.options.logger.error(
        { err: outcome.error, subscription: this.options.name, failedRuns: this.failedRuns, restartInMs },
        'Subscription failed; restarting from the last stored checkpoint',
      );
      await sleep(restartInMs, this.stopRequested.signal);
    }
  }

  private async runOnce(fromPosition: number): Promise<RunOutcome> {
    let reportBackgroundFailure: (error: unknown) => void = () => undefined;
    const backgroundFailure = new Promise<RunOutcome>((resolve) => {
      reportBackgroundFailure = (error) => resolve({ kind: 'failed', error });
    });

    const batcher = new EventBatcher({
      maxBatchSize: this.options.maxBatchSize ?? 100,
      lingerMs: this.options.lingerMs ?? 0,
      flush: async (batch) => {
        await this.options.processBatch(batch, this.stopDeadline.signal);
        this.failedRuns = 0;
      },
      onBackgroundFailure: reportBackgroundFailure,
    });
    const handle = this.options.store.subscribeToAll({
      fromPosition,
      batchSize: this.options.readBatchSize,
      handler: (event) => batcher.add(event),
    });
    this.currentHandle = handle;

    const ended = handle.done.then(
      (): RunOutcome =>
        this.stopRequested.signal.aborted
          ? { kind: 'stopped' }
          : { kind: 'failed', error: new Error(`Subscription ${this.options.name} ended without a stop request.`) },
      (error: unknown): RunOutcome => ({ kind: 'failed', error }),
    );
    const outcome = await Promise.race([ended, backgroundFailure]);

    if (outcome.kind === 'stopped') {
      await this.drainOnStop(batcher);
      return outcome;
    }

    await handle.stop();
    await batcher.discard();
    return outcome;
  }

  private async drainOnStop(batcher: EventBatcher): Promise<void> {
    const pending = batcher.pending;
    try {
      await batcher.drain();
    } catch (error: unknown) {
      this.options.logger.warn(
        { err: error, subscription: this.options.name, pending },
        'Subscription stopped before processing its buffered events; they are delivered again at the next start',
      );
    }
  }
}
