import { escapeIdentifier, Pool } from 'pg';

export const EVENT_ID_CONSTRAINT = 'events_event_id_key';
export const STREAM_REVISION_CONSTRAINT = 'events_stream_id_revision_key';

// Channel names are identifiers of at most 63 bytes, and the channel is `<schema>_appended`.
const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,53}$/;

/** Checks a schema name before it is quoted into SQL and used as a channel name. */
export function assertValidSchemaName(schema: string): void {
  if (!SCHEMA_NAME_PATTERN.test(schema)) {
    throw new Error(
      `PostgreSQL event store: schema name ${JSON.stringify(schema)} is invalid. ` +
        'Use 1 to 54 characters from a-z, 0-9 and _, not starting with a digit.',
    );
  }
}

/** Returns the NOTIFY channel on which appends to `schema` announce new events. */
export function notificationChannel(schema: string): string {
  return `${schema}_appended`;
}

/**
 * Creates the schema, the events table and the position counter when missing. Safe to run
 * from several processes at once: a transaction-scoped advisory lock serializes the DDL,
 * which `IF NOT EXISTS` alone does not make race-free.
 */
export async function ensureSchema(pool: Pool, schema: string): Promise<void> {
  const s = escapeIdentifier(schema);
  const client = await pool.connect();

  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`event_store.schema:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.events (
        position bigint PRIMARY KEY,
        stream_id text NOT NULL,
        revision bigint NOT NULL,
        event_id uuid NOT NULL CONSTRAINT ${EVENT_ID_CONSTRAINT} UNIQUE,
        type text NOT NULL,
        schema_version integer NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ${STREAM_REVISION_CONSTRAINT} UNIQUE (stream_id, revision)
      )`);
    // One row holding the last allocated position. Appends lock it; see postgres.event-store.ts.
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.position_counter (
        id smallint PRIMARY KEY CHECK (id = 1),
        last_position bigint NOT NULL
      )`);
    await client.query(`
      INSERT INTO ${s}.position_counter (id, last_position)
      SELECT 1, coalesce(max(position), 0) FROM ${s}.events
      ON CONFLICT (id) DO NOTHING`);
    await client.query('COMMIT');
  } catch (error: unknown) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
