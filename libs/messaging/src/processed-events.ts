import { mongo } from 'mongoose';

/** Facts about one consumed message, kept with its processed or parked record. */
export interface ConsumedMessageInfo {
  eventType: string;
  topic: string;
  partition: number;
  offset: string;
}

/** Record of the events a consumer has handled, keyed by (consumer, event id). */
export interface ProcessedEventStore {
  isProcessed(consumer: string, eventId: string): Promise<boolean>;
  /** Records a handled event; recording the same event twice is not an error. */
  markProcessed(consumer: string, eventId: string, info: ConsumedMessageInfo): Promise<void>;
}

/** A message the consumer gave up on, kept so that an operator can inspect and replay it. */
export interface DeadLetter extends ConsumedMessageInfo {
  consumer: string;
  /** The event id, or `<topic>/<partition>/<offset>` when the message could not be decoded. */
  eventId: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  error: string;
  attempts: number;
  parkedAt: Date;
}

export interface DeadLetterStore {
  /** Stores a dead letter; parking the same (consumer, event id) again replaces the record. */
  park(letter: DeadLetter): Promise<void>;
}

const DUPLICATE_KEY = 11000;

function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof mongo.MongoServerError && error.code === DUPLICATE_KEY;
}

/**
 * Processed events in MongoDB collection `processed_events`, one document per (consumer,
 * event id) under a unique index. Works on FerretDB: it needs only unique indexes.
 * NOTE: records are never deleted. FerretDB 1.24 has no TTL indexes, so pruning old records
 * needs a scheduled deleteMany on `processedAt`.
 */
export class MongoProcessedEventStore implements ProcessedEventStore {
  private readonly collection: mongo.Collection;

  constructor(db: mongo.Db, collectionName = 'processed_events') {
    this.collection = db.collection(collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ consumer: 1, eventId: 1 }, { unique: true, name: 'consumer_event_id_unique' });
  }

  async isProcessed(consumer: string, eventId: string): Promise<boolean> {
    const found = await this.collection.findOne({ consumer, eventId }, { projection: { _id: 1 } });
    return found !== null;
  }

  async markProcessed(consumer: string, eventId: string, info: ConsumedMessageInfo): Promise<void> {
    try {
      await this.collection.insertOne({ consumer, eventId, ...info, processedAt: new Date() });
    } catch (error: unknown) {
      // A concurrent or repeated delivery already recorded it, which is the state we want.
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }
}

/** Dead letters in MongoDB collection `dead_letters`, unique by (consumer, event id). */
export class MongoDeadLetterStore implements DeadLetterStore {
  private readonly collection: mongo.Collection;

  constructor(db: mongo.Db, collectionName = 'dead_letters') {
    this.collection = db.collection(collectionName);
  }

  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ consumer: 1, eventId: 1 }, { unique: true, name: 'consumer_event_id_unique' });
  }

  async park(letter: DeadLetter): Promise<void> {
    const { consumer, eventId, ...rest } = letter;
    await this.collection.updateOne({ consumer, eventId }, { $set: rest }, { upsert: true });
  }
}

export class InMemoryProcessedEventStore implements ProcessedEventStore {
  private readonly processed = new Set<string>();

  async isProcessed(consumer: string, eventId: string): Promise<boolean> {
    return this.processed.has(`${consumer}\u0000${eventId}`);
  }

  async markProcessed(consumer: string, eventId: string): Promise<void> {
    this.processed.add(`${consumer}\u0000${eventId}`);
  }
}

export class InMemoryDeadLetterStore implements DeadLetterStore {
  readonly letters: DeadLetter[] = [];

  async park(letter: DeadLetter): Promise<void> {
    const index = this.letters.findIndex((stored) => stored.consumer === letter.consumer && stored.eventId === letter.eventId);
    if (index >= 0) {
      this.letters[index] = letter;
    } else {
      this.letters.push(letter);
    }
  }
}
