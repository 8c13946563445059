import type { RecordedEvent } from '@team-access/event-store';

export interface EventBatcherOptions {
  /** A full buffer is flushed at once, and `add` waits for that flush (backpressure). */
  maxBatchSize: number;
  /** How long a partial batch waits for more events; 0 flushes once the current synchronous run of deliveries ends. */
  lingerMs: number;
  /** Processes one batch. Batches are passed one at a time, in delivery order. */
  flush: (batch: RecordedEvent[]) => Promise<void>;
  /** Called when a flush started by the linger timer fails, because no caller awaits it. */
  onBackgroundFailure: (error: unknown) => void;
}

/**
 * Groups consecutive events from a subscription into batches. Flushes never overlap, so the
 * batches reach `flush` in the order the events arrived. After one flush fails, the batcher
 * is failed: every later `add` or `drain` throws that error, and the owner must start over
 * from its last checkpoint with a new batcher.
 */
export class EventBatcher {
  private buffer: RecordedEvent[] = [];
  private tail: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: { error: unknown } | undefined;

  constructor(private readonly options: EventBatcherOptions) {
    if (!Number.isSafeInteger(options.maxBatchSize) || options.maxBatchSize < 1) {
      throw new Error(`EventBatcher maxBatchSize ${options.maxBatchSize} is invalid. Pass an integer >= 1.`);
    }
    if (!Number.isFinite(options.lingerMs) || options.lingerMs < 0) {
      throw new Error(`EventBatcher lingerMs ${options.lingerMs} is invalid. Pass a number >= 0.`);
    }
  }

  /** Number of events waiting for a flush. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Buffers one event; use as the subscription handler. */
  async add(event: RecordedEvent): Promise<void> {
    this.throwIfFailed();
    this.buffer.push(event);

    if (this.buffer.length >= this.options.maxBatchSize) {
      await this.flushBuffered();
      return;
    }
    this.scheduleLingerFlush();
  }

  /** Flushes everything buffered and waits until all flushes so far have finished. */
  drain(): Promise<void> {
    return this.flushBuffered();
  }

  /** Drops the buffered events and waits for a running flush to finish, without raising its error. */
  async discard(): Promise<void> {
    this.clearTimer();
    this.buffer = [];
    await this.tail;
  }

  private flushBuffered(): Promise<void> {
    this.clearTimer();

    const run = this.tail.then(() => this.flushOnce());
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async flushOnce(): Promise<void> {
    this.throwIfFailed();
    const batch = this.buffer.splice(0, this.buffer.length);
    if (batch.length === 0) {
      return;
    }

    try {
      await this.options.flush(batch);
    } catch (error: unknown) {
      this.failure = { error };
      throw error;
    }
  }

  private scheduleLingerFlush(): void {
    if (this.timer !== undefined) {
      return;
    }

    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushBuffered().catch((error: unknown) => this.options.onBackgroundFailure(error));
    }, this.options.lingerMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw this.failure.error;
    }
  }
}
