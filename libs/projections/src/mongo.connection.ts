import mongoose, { Connection, mongo } from 'mongoose';
import type { Logger } from 'pino';

export const DEFAULT_MONGODB_URL = 'mongodb://127.0.0.1:27117/team_access';

export interface MongoConnectionOptions {
  /** How long to wait for the server before the first operation fails, in ms (default 10000). */
  serverSelectionTimeoutMs?: number;
  logger?: Logger;
}

/**
 * Opens a mongoose connection (FerretDB or MongoDB). Automatic index builds are off, so that
 * index changes happen in one explicit `syncIndexes` step at deploy or start-up rather than
 * in the background of every process.
 */
export async function createMongoConnection(url: string, options: MongoConnectionOptions = {}): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    autoIndex: false,
    autoCreate: false,
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMs ?? 10_000,
  });

  try {
    await connection.asPromise();
  } catch (error: unknown) {
    await connection.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Connecting to MongoDB at ${redactUrl(url)} failed: ${reason}. Check MONGODB_URL and that the server runs.`, {
      cause: error,
    });
  }

  options.logger?.info({ url: redactUrl(url), database: connection.name }, 'MongoDB connection open');
  return connection;
}

/** Creates and drops indexes so that every model registered on `connection` matches its schema. */
export async function syncIndexes(connection: Connection, logger?: Logger): Promise<void> {
  const result = await connection.syncIndexes();

  for (const [model, dropped] of Object.entries(result)) {
    if (dropped.length > 0) {
      logger?.info({ model, dropped }, 'Dropped indexes no longer in the schema');
    }
  }
  logger?.info({ models: Object.keys(result) }, 'MongoDB indexes synchronized');
}

/** Returns the native database of an open connection. */
export function databaseOf(connection: Connection): mongo.Db {
  const db = connection.db;
  if (db === undefined) {
    throw new Error(`MongoDB connection "${connection.name}" is not open. Await createMongoConnection before using it.`);
  }
  return db;
}

/** Hides the password of a connection URL for logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:[redacted]@');
}
