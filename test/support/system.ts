import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mongo } from 'mongoose';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { eventually, REPOSITORY_ROOT, RunningProcess, startNodeProcess, stopProcess } from './processes';

export const CLIENT_ID = 'team-access-e2e';
export const CLIENT_SECRET = 'e2e-client-secret-0123456789';
export const PLATFORM_ADMIN_TOKEN = 'e2e-platform-admin-token-0123456789';

export const POSTGRES_SERVER = process.env.E2E_POSTGRES_SERVER ?? 'postgres://team_access:team_access@127.0.0.1:55432';
export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
export const MONGODB_SERVER = process.env.E2E_MONGODB_SERVER ?? 'mongodb://127.0.0.1:27117';
const SERVICES = ['identity', 'inbox', 'notifier', 'org-admin'] as const;
const SERVICE_PORTS = { 'org-admin': 3100, identity: 3101, inbox: 3102, notifier: 3103 } as const;

export interface RunningSystem {
  gatewayUrl: string;
  /** Read-model database of a service; unique per run, dropped by `stop`. */
  mongoDatabase(service: (typeof SERVICES)[number]): string;
  /** PostgreSQL schema of the event tables in every service's database; unique per run, dropped by `stop`. */
  eventStoreSchema: string;
  /** Prefix of this run's Kafka topics and consumer groups; its topics are deleted by `stop`. */
  kafkaNamespace: string;
  entraUrl: string;
  smtpApiUrl: string;
  healthUrls: Record<(typeof SERVICES)[number], string>;
  /** Sends SIGTERM to every process, newest first, and returns each exit code by process name. */
  stop(): Promise<Record<string, number | null>>;
}

/**
 * Starts the four services from `dist/` against the local stack (Kafka, FerretDB, PostgreSQL),
 * each with its own read-model database. A fresh Entra stand-in and SMTP sink run on free ports,
 * so a test owns its identity provider state and its mailbox.
 */
export async function startSystem(): Promise<RunningSystem> {
  const processes: RunningProcess[] = [];
  const runId = randomBytes(4).toString('hex');
  const mongoDatabase = (service: (typeof SERVICES)[number]) => `e2e_${runId}_${service.replace('-', '_')}`;
  // Each run gets its own event tables, so it neither replays nor reads earlier runs' events.
  const eventStoreSchema = `e2e_${runId}`;
  // And its own Kafka topics and consumer groups, so no other system's messages reach it.
  const kafkaNamespace = `e2e-${runId}.`;
  const stop = async () => {
    const exitCodes: Record<string, number | null> = {};
    for (const running of [...processes].reverse()) {
      exitCodes[running.name] = await stopProcess(running);
    }
    processes.length = 0;
    await dropDatabases(SERVICES.map(mongoDatabase));
    await dropEventStoreSchemas(eventStoreSchema);
    await deleteTopics(kafkaNamespace);
    return exitCodes;
  };

  try {
    const entra = await startNodeProcess(
      'e2e-entra-stand-in',
      join(REPOSITORY_ROOT, 'tools/entra-stand-in/server.mjs'),
      { ENTRA_STAND_IN_PORT: '0', ENTRA_STAND_IN_DATA: mkdtempSync(join(tmpdir(), 'entra-')), ENTRA_STAND_IN_BASE_URL: '' },
      (entry) => (entry.msg === 'entra stand-in listening' ? String(entry.baseUrl) : undefined),
    );
    processes.push(entra.process);

    const smtp = await startNodeProcess(
      'e2e-smtp-sink',
      join(REPOSITORY_ROOT, 'tools/smtp-sink/server.mjs'),
      { SMTP_SINK_PORT: '0', SMTP_SINK_HTTP_PORT: '0', SMTP_SINK_DATA: '' },
      (entry) => (entry.msg === 'smtp sink listening' ? { smtpPort: Number(entry.smtpPort), httpPort: Number(entry.httpPort) } : undefined),
    );
    processes.push(smtp.process);

    const gatewayUrl = `http://127.0.0.1:${SERVICE_PORTS['org-admin']}`;
    await registerClient(entra.ready, gatewayUrl);

    const environment: NodeJS.ProcessEnv = {
      LOG_LEVEL: 'debug',
      ORG_ADMIN_HTTP_PORT: String(SERVICE_PORTS['org-admin']),
      IDENTITY_HTTP_PORT: String(SERVICE_PORTS.identity),
      INBOX_HTTP_PORT: String(SERVICE_PORTS.inbox),
      NOTIFIER_HTTP_PORT: String(SERVICE_PORTS.notifier),
      PUBLIC_BASE_URL: gatewayUrl,
      ENTRA_AUTHORITY_HOST: entra.ready,
      ENTRA_CLIENT_ID: CLIENT_ID,
      ENTRA_CLIENT_SECRET: CLIENT_SECRET,
      PLATFORM_ADMIN_TOKEN,
      SMTP_URL: `smtp://127.0.0.1:${smtp.ready.smtpPort}`,
      EVENT_STORE_PG_SCHEMA: eventStoreSchema,
      KAFKA_NAMESPACE: kafkaNamespace,
    };

    const started = await Promise.all(
      SERVICES.map((service) =>
        startNodeProcess(
          `e2e-${service}`,
          join(REPOSITORY_ROOT, `dist/apps/${service}/src/main.js`),
          { ...environment, MONGODB_URL: `${MONGODB_SERVER}/${mongoDatabase(service)}` },
          (entry) => (entry.msg === 'Service started' ? true : undefined),
          90_000,
        ),
      ),
    );
    processes.push(...started.map((service) => service.process));

    const healthUrls = Object.fromEntries(SERVICES.map((service) => [service, `http://127.0.0.1:${SERVICE_PORTS[service]}/health`])) as RunningSystem['healthUrls'];
    for (const [service, url] of Object.entries(healthUrls)) {
      await eventually(`${service} to report healthy`, async () => ((await fetch(url)).status === 200 ? true : undefined), 60_000, 250);
    }

    return { gatewayUrl, mongoDatabase, eventStoreSchema, kafkaNamespace, entraUrl: entra.ready, smtpApiUrl: `http://127.0.0.1:${smtp.ready.httpPort}`, healthUrls, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

async function dropDatabases(names: string[]): Promise<void> {
  const client = await mongo.MongoClient.connect(MONGODB_SERVER);
  try {
    for (const name of names) {
      await client.db(name).dropDatabase();
    }
  } finally {
    await client.close();
  }
}

async function dropEventStoreSchemas(schema: string): Promise<void> {
  for (const database of ['identity', 'inbox', 'org_admin']) {
    const client = new Client({ connectionString: `${POSTGRES_SERVER}/${database}` });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.query('DELETE FROM relay_checkpoints WHERE name LIKE $1', [`%@${schema}`]).catch(() => undefined);
    } finally {
      await client.end();
    }
  }
}

async function deleteTopics(namespace: string): Promise<void> {
  const admin = new Kafka({ clientId: 'e2e-cleanup', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(namespace));
    if (topics.length > 0) {
      await admin.deleteTopics({ topics });
    }
  } finally {
    await admin.disconnect();
  }
}

async function registerClient(entraUrl: string, gatewayUrl: string): Promise<void> {
  const response = await fetch(`${entraUrl}/_admin/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${gatewayUrl}/auth/microsoft/callback`] }),
  });
  if (!response.ok) {
    throw new Error(`Registering the e2e client failed: ${response.status} ${await response.text()}`);
  }
}

/** Admin calls to the Entra stand-in. */
export class EntraAdmin {
  constructor(private readonly baseUrl: string) {}

  async createTenant(domains: string[]): Promise<string> {
    const tenant = (await this.post('/_admin/tenants', { domains })) as { tenantId?: string; id?: string };
    return String(tenant.tenantId ?? tenant.id);
  }

  async createUser(tenantId: string, user: { upn: string; email?: string; name: string }, assigned = true): Promise<string> {
    const created = (await this.post(`/_admin/tenants/${tenantId}/users`, user)) as { oid: string };
    if (assigned) {
      await this.request('PUT', `/_admin/tenants/${tenantId}/users/${created.oid}/assignments/${CLIENT_ID}`, { assigned: true });
    }
    return created.oid;
  }

  private post(path: string, body: unknown): Promise<unknown> {
    return this.request('POST', path, body);
  }

  private async request(method: string, path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path} failed: ${response.status} ${text}`);
    }
    return text ? JSON.parse(text) : {};
  }
}
