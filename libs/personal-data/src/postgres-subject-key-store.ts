import { escapeIdentifier, Pool } from 'pg';
import { unwrapKey, wrapKey } from './master-key';
import { SubjectKeyLookup, SubjectKeyStore } from './subject-key-store.port';

export interface PostgresSubjectKeyStoreOptions {
  /** Pool owned by the caller; the store never ends it. */
  pool: Pool;
  /** 32-byte master key that wraps every data key; see parseMasterKey. */
  masterKey: Buffer;
  /** Schema of the `subject_keys` table. Default `personal_data`. */
  schema?: string;
}

interface KeyRow {
  wrapped_key: Buffer | null;
}

const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * SubjectKeyStore on PostgreSQL: one row per subject, holding the data key wrapped with the
 * master key, or NULL after erasure (the row stays as the erasure record).
 *
 * NOTE: erasure sets the column to NULL, but PostgreSQL keeps the old row version on disk
 * until VACUUM reclaims it, and in WAL and backups until they expire. Those copies stay
 * wrapped, so they are unreadable without the master key.
 */
export class PostgresSubjectKeyStore implements SubjectKeyStore {
  private readonly table: string;

  private constructor(
    private readonly pool: Pool,
    private readonly masterKey: Buffer,
    private readonly schema: string,
  ) {
    this.table = `${escapeIdentifier(schema)}.subject_keys`;
  }

  /** Creates the schema and table when missing, and returns the store. */
  static async start(options: PostgresSubjectKeyStoreOptions): Promise<PostgresSubjectKeyStore> {
    const schema = options.schema ?? 'personal_data';
    if (!SCHEMA_NAME_PATTERN.test(schema)) {
      throw new Error(
        `Personal data key store: schema name ${JSON.stringify(schema)} is invalid. ` +
          'Use 1 to 63 characters from a-z, 0-9 and _, not starting with a digit.',
      );
    }
    if (options.masterKey.length !== 32) {
      throw new Error(
        `Personal data key store: the master key has ${options.masterKey.length} bytes, expected 32. Use parseMasterKey.`,
      );
    }

    const store = new PostgresSubjectKeyStore(options.pool, options.masterKey, schema);
    await store.ensureSchema();
    return store;
  }

  async findKey(subjectId: string): Promise<SubjectKeyLookup> {
    const { rows } = await this.pool.query<KeyRow>(`SELECT wrapped_key FROM ${this.table} WHERE subject_id = $1`, [
      subjectId,
    ]);
    if (rows.length === 0) {
      return { status: 'missing' };
    }
    return this.toLookup(subjectId, rows[0]);
  }

  async findOrCreateKey(subjectId: string, candidateKey: Buffer): Promise<SubjectKeyLookup> {
    // ON CONFLICT DO NOTHING returns no row when the subject already has a key, for example
    // from a racing writer. The stored key then wins.
    const inserted = await this.pool.query<KeyRow>(
      `INSERT INTO ${this.table} (subject_id, wrapped_key) VALUES ($1, $2)
       ON CONFLICT (subject_id) DO NOTHING RETURNING wrapped_key`,
      [subjectId, wrapKey(this.masterKey, subjectId, candidateKey)],
    );
    if (inserted.rows.length === 1) {
      return { status: 'active', key: Buffer.from(candidateKey) };
    }
    return this.findKey(subjectId);
  }

  async eraseKey(subjectId: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (subject_id, wrapped_key, erased_at) VALUES ($1, NULL, now())
       ON CONFLICT (subject_id) DO UPDATE SET wrapped_key = NULL, erased_at = coalesce(${this.table}.erased_at, now())`,
      [subjectId],
    );
  }

  private toLookup(subjectId: string, row: KeyRow): SubjectKeyLookup {
    if (row.wrapped_key === null) {
      return { status: 'erased' };
    }
    return { status: 'active', key: unwrapKey(this.masterKey, subjectId, row.wrapped_key) };
  }

  private async ensureSchema(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Serializes concurrent starts, which CREATE … IF NOT EXISTS alone does not make race-free.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`personal_data.schema:${this.schema}`]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(this.schema)}`);
      await client.query(`
        CREATE TABLE IF NOT EXISTS ${this.table} (
          subject_id text PRIMARY KEY,
          wrapped_key bytea,
          created_at timestamptz NOT NULL DEFAULT now(),
          erased_at timestamptz,
          CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
        )`);
      await client.query('COMMIT');
    } catch (error: unknown) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(
        `Personal data key store: creating ${this.schema}.subject_keys failed: ${
          error instanceof Error ? error.message : String(error)
        }`,
        { cause: error },
      );
    } finally {
      client.release();
    }
  }
}
