import type { Logger } from 'pino';
import { escapeIdentifier, Pool, PoolClient } from 'pg';

const RECONNECT_DELAY_MS = 1_000;

/**
 * Holds one pooled connection that LISTENs on the append channel and calls `onNotify` for
 * each notification. After a connection failure it reconnects every second until stopped,
 * and calls `onNotify` once reconnected because notifications sent meanwhile are lost.
 * Subscriptions also poll, so delivery continues while this listener is down.
 */
export class PostgresNotificationListener {
  private client: PoolClient | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly releasedClients = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
    private readonly logger: Logger,
    private readonly onNotify: () => void,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }

    const client = this.client;
    this.client = null;
    if (client !== null) {
      client.removeAllListeners('notification');
      await client.query(`UNLISTEN ${escapeIdentifier(this.channel)}`).catch(() => undefined);
      client.release();
    }
  }

  private async connect(): Promise<void> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error: unknown) {
      this.logger.warn({ err: error, channel: this.channel }, 'LISTEN connection failed; subscriptions poll until it reconnects');
      this.scheduleReconnect();
      return;
    }

    const onError = (error: Error): void => this.handleConnectionError(client, error);
    client.on('error', onError);
    client.on('notification', () => this.onNotify());

    try {
      await client.query(`LISTEN ${escapeIdentifier(this.channel)}`);
    } catch (error: unknown) {
      this.handleConnectionError(client, error);
      return;
    }

    if (this.stopped) {
      client.release();
      return;
    }
    this.client = client;
    this.onNotify();
  }

  private handleConnectionError(client: PoolClient, error: unknown): void {
    // A broken connection can emit several errors; release and reconnect only once.
    if (this.releasedClients.has(client)) {
      return;
    }
    this.releasedClients.add(client);

    this.logger.warn({ err: error, channel: this.channel }, 'LISTEN connection failed; subscriptions poll until it reconnects');
    client.removeAllListeners('notification');
    if (this.client === client) {
      this.client = null;
    }
    client.release(error instanceof Error ? error : new Error(String(error)));
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer !== null) {
      return;
    }
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, RECONNECT_DELAY_MS);
  }
}
