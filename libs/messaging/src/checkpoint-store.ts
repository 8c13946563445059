import type { Pool } from 'pg';

/** Where a relay stores the position of the last event Kafka acknowledged. */
export interface CheckpointStore {
  /** Returns the stored position, or 0 when `name` has none. */
  load(name: string): Promise<number>;
  save(name: string, position: number): Promise<void>;
}

export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly positions = new Map<string, number>();

  async load(name: string): Promise<number> {
    return this.positions.get(name) ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    this.positions.set(name, position);
  }
}

/**
 * Checkpoints in table `relay_checkpoints` of the event store's own database, so that a
 * service's events and its relay's progress live (and are backed up) together.
 */
export class PostgresCheckpointStore implements CheckpointStore {
  constructor(
    private readonly pool: Pool,
    private readonly table = 'relay_checkpoints',
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(table)) {
      throw new Error(`Checkpoint table name "${table}" is invalid. Use lower-case letters, digits and underscores.`);
    }
  }

  /** Creates the table when it does not exist. */
  async ensureSchema(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         name text PRIMARY KEY,
         position bigint NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
  }

  async load(name: string): Promise<number> {
    const result = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.table} WHERE name = $1`, [name]);
    const row = result.rows[0];
    return row === undefined ? 0 : Number(row.position);
  }

  async save(name: string, position: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table} (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [name, position],
    );
  }
}
