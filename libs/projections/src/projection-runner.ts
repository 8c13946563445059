import type { EventStore, RecordedEvent } from '@team-access/event-store';
import { BackoffOptions, CheckpointedSubscription, DEFAULT_BACKOFF, retry } from '@team-access/messaging';
import { mongo } from 'mongoose';
import type { Logger } from 'pino';
import { applyWrites, ApplyResult, PositionedWrite } from './apply-writes';
import { createAliasIfMissing, switchAlias } from './projection-aliases';
import { Projection, versionedCollectionName } from './projection';

export const CHECKPOINTS_COLLECTION = 'projection_checkpoints';

interface CheckpointDocument {
  _id: string;
  position: number;
  updatedAt: Date;
}

export interface ProjectionRunnerOptions {
  projection: Projection;
  store: EventStore;
  db: mongo.Db;
  logger: Logger;
  /** Maximum events per bulkWrite batch (default 200). */
  maxBatchSize?: number;
  /** Wait for more events before applying a partial batch, in ms (default 0). */
  lingerMs?: number;
  retryBackoff?: BackoffOptions;
  stopTimeoutMs?: number;
}

/** Raised by waitForPosition when the projection does not catch up in time. */
export class ProjectionTimeoutError extends Error {
  constructor(
    readonly projection: string,
    readonly position: number,
    readonly reached: number,
    timeoutMs: number,
  ) {
    super(
      `Projection ${projection} did not reach position ${position} within ${timeoutMs} ms (it is at ${reached}). ` +
        'Check that its runner is started and its logs for failures.',
    );
    this.name = 'ProjectionTimeoutError';
  }
}

interface PositionWaiter {
  position: number;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Keeps one projection's versioned collections up to date with the event store. Each batch of
 * consecutive events is applied with ordered bulkWrites, then the checkpoint
 * `projection_checkpoints/{name@version}` moves to the batch's last position. A crash between
 * the two replays the batch, which the `lastPosition` guard makes harmless.
 */
export class ProjectionRunner {
  private readonly subscription: CheckpointedSubscription;
  private readonly checkpointId: string;
  private waiters: PositionWaiter[] = [];
  private appliedPosition = 0;
  private running = false;

  constructor(private readonly options: ProjectionRunnerOptions) {
    const { name, version } = options.projection;
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new Error(`Projection ${name} has version ${version}, which is invalid. Use an integer >= 1.`);
    }

    this.checkpointId = `${name}@${version}`;
    this.subscription = new CheckpointedSubscription({
      name: this.checkpointId,
      store: options.store,
      loadCheckpoint: () => this.loadCheckpoint(),
      processBatch: (batch, signal) => this.processBatch(batch, signal),
      maxBatchSize: options.maxBatchSize ?? 200,
      lingerMs: options.lingerMs,
      restartBackoff: options.retryBackoff,
      stopTimeoutMs: options.stopTimeoutMs,
      logger: options.logger,
    });
  }

  /** Position of the last event whose writes are stored. */
  get position(): number {
    return this.appliedPosition;
  }

  /** Returns the physical collection of a logical one at this runner's version. */
  collectionName(logical: string): string {
    return versionedCollectionName(logical, this.options.projection.version);
  }

  /**
   * Creates the indexes, points each logical name at this version when it has no alias yet,
   * and starts projecting after the stored checkpoint.
   */
  async start(): Promise<void> {
    await this.assertCheckpointWithinStore();
    await this.ensureIndexes();
    for (const logical of this.options.projection.collections) {
      await createAliasIfMissing(this.options.db, this.aliasFor(logical));
    }

    await this.subscription.start();
    this.running = true;
  }

  /** Stops projecting after the buffered events are applied; pending waitForPosition calls reject. */
  async stop(): Promise<void> {
    await this.subscription.stop();
    this.running = false;
    this.rejectWaiters(new Error(`Projection ${this.checkpointId} stopped before reaching the awaited position.`));
  }

  /**
   * Resolves once the events up to `position` are applied, so a command handler can return
   * only after its own write is readable. Rejects with ProjectionTimeoutError after `timeoutMs`.
   */
  waitForPosition(position: number, timeoutMs: number): Promise<void> {
    if (position <= this.appliedPosition) {
      return Promise.resolve();
    }

    return new Promise<void>((resolve, reject) => {
      const waiter: PositionWaiter = {
        position,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((candidate) => candidate !== waiter);
          reject(new ProjectionTimeoutError(this.checkpointId, position, this.appliedPosition, timeoutMs));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /**
   * Rebuilds this version from position 0 into its own collections while readers keep using
   * the collections the aliases point at, then switches the aliases to this version.
   *
   * Simple version: it drops this version's collections and checkpoint first, reads the store
   * up to its head at the time of the read, and must run while this runner is stopped. Call
   * `start` afterwards to follow new events. The old version's collections stay until dropped
   * by hand, which allows a rollback by switching the alias back.
   */
  async rebuild(): Promise<number> {
    if (this.running) {
      throw new Error(`Projection ${this.checkpointId} is running. Stop it before rebuild, or rebuild a new version.`);
    }
    const logger = this.options.logger.child({ projection: this.checkpointId });
    logger.info('Projection rebuild starting');

    await this.dropOwnCollections();
    await this.options.db.collection<CheckpointDocument>(CHECKPOINTS_COLLECTION).deleteOne({ _id: this.checkpointId });
    this.appliedPosition = 0;
    await this.ensureIndexes();

    const pageSize = this.options.maxBatchSize ?? 200;
    for (;;) {
      const page = await this.options.store.readAll({ fromPosition: this.appliedPosition, maxCount: pageSize });
      if (page.length === 0) {
        break;
      }
      await this.processBatch(page, new AbortController().signal);
    }

    for (const logical of this.options.projection.collections) {
      await switchAlias(this.options.db, this.aliasFor(logical));
    }
    logger.info({ position: this.appliedPosition }, 'Projection rebuilt and aliases switched');
    return this.appliedPosition;
  }

  /**
   * Projects and applies `batch`, then stores the checkpoint. Applying a batch again is
   * harmless (see guardWrite), which is what replays after a crash rely on.
   */
  async applyBatch(batch: readonly RecordedEvent[]): Promise<ApplyResult> {
    const writes = this.projectBatch(batch);
    const result = await applyWrites(this.options.db, writes, (logical) => this.physicalName(logical));

    const last = batch[batch.length - 1];
    if (last !== undefined) {
      await this.saveCheckpoint(last.position);
    }
    return result;
  }

  private async processBatch(batch: readonly RecordedEvent[], signal: AbortSignal): Promise<void> {
    const first = batch[0];
    const fields = { projection: this.checkpointId, fromPosition: first?.position, count: batch.length, streamId: first?.streamId, eventType: first?.type };

    const result = await retry(() => this.applyBatch(batch), {
      backoff: this.options.retryBackoff ?? DEFAULT_BACKOFF,
      signal,
      onRetry: (error, attempt, delayMs) =>
        this.options.logger.warn({ ...fields, err: error, attempt, retryInMs: delayMs }, 'Projection batch failed; retrying'),
    });
    this.options.logger.debug({ ...fields, ...result }, 'Projection batch applied');
  }

  private projectBatch(batch: readonly RecordedEvent[]): PositionedWrite[] {
    const writes: PositionedWrite[] = [];

    for (const event of batch) {
      let ops;
      try {
        ops = this.options.projection.project(event);
      } catch (error: unknown) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(
          `Projection ${this.checkpointId} failed on event ${event.metadata.eventId} (${event.type}, stream ${event.streamId}, position ${event.position}): ${reason}`,
          { cause: error },
        );
      }
      for (const op of ops) {
        writes.push({ op, position: event.position, eventId: event.metadata.eventId });
      }
    }
    return writes;
  }

  private physicalName(logical: string): string {
    if (!this.options.projection.collections.includes(logical)) {
      throw new Error(
        `Projection ${this.checkpointId} wrote to collection "${logical}", which is not in its collections ` +
          `[${this.options.projection.collections.join(', ')}]. Add it there.`,
      );
    }
    return this.collectionName(logical);
  }

  /**
   * Rejects a checkpoint past the store's head, which means the store was replaced or restored
   * from an older backup. Projecting on would silently skip every new event up to that checkpoint.
   */
  private async assertCheckpointWithinStore(): Promise<void> {
    const stored = await this.options.db.collection<CheckpointDocument>(CHECKPOINTS_COLLECTION).findOne({ _id: this.checkpointId });
    const head = await this.options.store.headPosition();
    if (stored && stored.position > head) {
      throw new Error(
        `Projection ${this.checkpointId} is at position ${stored.position}, past the event store's head ${head}: ` +
          'the event store was reset or restored. Rebuild the read model (drop its collections and checkpoint) or restore the matching event store.',
      );
    }
  }

  private async loadCheckpoint(): Promise<number> {
    const checkpoint = await this.options.db.collection<CheckpointDocument>(CHECKPOINTS_COLLECTION).findOne({ _id: this.checkpointId });
    this.advance(checkpoint?.position ?? 0);
    return this.appliedPosition;
  }

  private async saveCheckpoint(position: number): Promise<void> {
    // $max keeps the checkpoint from moving back when an older batch is applied again.
    await this.options.db
      .collection<CheckpointDocument>(CHECKPOINTS_COLLECTION)
      .updateOne({ _id: this.checkpointId }, { $max: { position }, $set: { updatedAt: new Date() } }, { upsert: true });
    this.advance(position);
  }

  private advance(position: number): void {
    if (position <= this.appliedPosition) {
      return;
    }

    this.appliedPosition = position;
    const reached = this.waiters.filter((waiter) => waiter.position <= position);
    this.waiters = this.waiters.filter((waiter) => waiter.position > position);
    for (const waiter of reached) {
      clearTimeout(waiter.timer);
      waiter.resolve();
    }
  }

  private rejectWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  private async ensureIndexes(): Promise<void> {
    const indexes = this.options.projection.indexes ?? {};

    for (const [logical, specs] of Object.entries(indexes)) {
      const collection = this.options.db.collection(this.physicalName(logical));
      for (const spec of specs) {
        await collection.createIndex(spec.key, { name: spec.name, unique: spec.unique ?? false });
      }
    }
  }

  private async dropOwnCollections(): Promise<void> {
    const existing = new Set((await this.options.db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name));

    for (const logical of this.options.projection.collections) {
      const physical = this.collectionName(logical);
      if (existing.has(physical)) {
        await this.options.db.dropCollection(physical);
      }
    }
  }

  private aliasFor(logical: string) {
    return {
      _id: logical,
      collection: this.collectionName(logical),
      projection: this.options.projection.name,
      version: this.options.projection.version,
    };
  }
}
