import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Admin, Kafka } from 'kafkajs';
import { Connection, mongo } from 'mongoose';
import { Pool } from 'pg';
import { Logger } from 'pino';
import { ConfigError } from '@team-access/config';
import { Topics } from '@team-access/contracts';
import { EventStore, EventStoreDbEventStore, PostgresEventStore, RecordedEvent } from '@team-access/event-store';
import { CheckpointStore, createKafka, ensureTopics, OutboxRelay, PostgresCheckpointStore } from '@team-access/messaging';
import { MongoSubjectKeyStore, PersonalDataVault, PostgresSubjectKeyStore } from '@team-access/personal-data';
import { createMongoConnection, databaseOf, Projection, ProjectionRunner } from '@team-access/projections';
import { decodingEventStore } from './decoding-event-store';
import { MongoCheckpointStore } from './mongo-checkpoint.store';
import { RPC_TOPICS } from './rpc-server';

export interface InfrastructureSettings {
  serviceName: string;
  kafkaBrokers: string[];
  mongodbUrl: string;
  eventStore?: {
    kind: 'postgres' | 'eventstoredb';
    postgresUrl?: string;
    /** PostgreSQL schema of the event tables; tests give each run its own. */
    postgresSchema?: string;
    eventStoreDbUrl?: string;
    personalDataMasterKeyFile: string;
    /** Kafka topic the relay publishes this service's events to. */
    topic: string;
    projections: Projection[];
  };
  /** Topics this service produces to or consumes from, created at start when missing. */
  topics: string[];
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checks: Record<string, { status: 'ok' | 'failed'; error?: string }>;
}

/**
 * Infrastructure of a service that keeps events: its event store, the relay to `topic`, and its
 * projections. Every service creates all event and request-reply topics, whichever starts first.
 */
export function eventSourcedInfrastructure(
  serviceName: string,
  settings: {
    kafkaBrokers: string[];
    MONGODB_URL: string;
    EVENT_STORE: 'postgres' | 'eventstoredb';
    EVENT_STORE_PG_URL: string;
    EVENT_STORE_PG_SCHEMA: string;
    EVENTSTOREDB_URL?: string;
    PERSONAL_DATA_MASTER_KEY_FILE: string;
  },
  topic: string,
  projections: Projection[],
): InfrastructureSettings {
  return {
    serviceName,
    kafkaBrokers: settings.kafkaBrokers,
    mongodbUrl: settings.MONGODB_URL,
    eventStore: {
      kind: settings.EVENT_STORE,
      postgresUrl: settings.EVENT_STORE_PG_URL,
      postgresSchema: settings.EVENT_STORE_PG_SCHEMA,
      eventStoreDbUrl: settings.EVENTSTOREDB_URL,
      personalDataMasterKeyFile: settings.PERSONAL_DATA_MASTER_KEY_FILE,
      topic,
      projections,
    },
    topics: [...Object.values(Topics), ...RPC_TOPICS],
  };
}

const TOPIC_PARTITIONS = 3;
const HEALTH_CHECK_TIMEOUT_MS = 2_000;

/**
 * The connections one service owns: Kafka, the MongoDB read-model database and, for services
 * that keep events, the event store with its personal-data vault, relay and projection runners.
 * `stop` closes them in reverse order of dependence.
 */
export class ServiceInfrastructure {
  private relay: OutboxRelay | null = null;
  private readonly runners = new Map<string, ProjectionRunner>();

  private constructor(
    readonly settings: InfrastructureSettings,
    readonly logger: Logger,
    readonly kafka: Kafka,
    private readonly admin: Admin,
    readonly mongo: Connection,
    private readonly pool: Pool | null,
    readonly eventStore: EventStore | null,
    readonly vault: PersonalDataVault | null,
    private readonly checkpoints: CheckpointStore | null,
  ) {}

  static async start(settings: InfrastructureSettings, logger: Logger): Promise<ServiceInfrastructure> {
    const kafka = createKafka({ brokers: settings.kafkaBrokers, clientId: settings.serviceName }, logger);
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, settings.topics, { partitions: TOPIC_PARTITIONS });

    const mongo = await createMongoConnection(settings.mongodbUrl);
    const db = databaseOf(mongo);
    if (!settings.eventStore) {
      return new ServiceInfrastructure(settings, logger, kafka, admin, mongo, null, null, null, null);
    }

    const masterKey = readMasterKey(settings.eventStore.personalDataMasterKeyFile);
    if (settings.eventStore.kind === 'postgres') {
      const pool = new Pool({ connectionString: requireSetting('EVENT_STORE_PG_URL', settings.eventStore.postgresUrl), max: 10 });
      // An idle client that loses its connection (a PostgreSQL restart) emits 'error' on the
      // pool; unhandled, that would end the process. The pool replaces the client on next use.
      pool.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost; it is replaced on next use'));
      const store = await PostgresEventStore.start({ pool, schema: settings.eventStore.postgresSchema, logger: logger.child({ component: 'event-store' }) });
      const keys = await PostgresSubjectKeyStore.start({ pool, masterKey });
      const checkpoints = new PostgresCheckpointStore(pool);
      await checkpoints.ensureSchema();
      return new ServiceInfrastructure(settings, logger, kafka, admin, mongo, pool, store, new PersonalDataVault(keys), checkpoints);
    }

    // With EventStoreDB there is no PostgreSQL: subject keys and relay checkpoints live in MongoDB.
    const keys = new MongoSubjectKeyStore(db, masterKey);
    const store = new EventStoreDbEventStore({
      connectionString: requireSetting('EVENTSTOREDB_URL', settings.eventStore.eventStoreDbUrl),
      logger: logger.child({ component: 'event-store' }),
    });
    return new ServiceInfrastructure(settings, logger, kafka, admin, mongo, null, store, new PersonalDataVault(keys), new MongoCheckpointStore(db));
  }

  get db(): mongo.Db {
    return databaseOf(this.mongo);
  }

  /** Returns the event store as projections and the relay read it, with personal data opened. */
  decodedEventStore(): EventStore {
    const { eventStore, vault } = this.requireEventStore();
    return decodingEventStore(eventStore, (data) => vault.openDeep(data));
  }

  /** Starts the projection runners, then the relay to Kafka. */
  async startBackgroundWork(): Promise<void> {
    const eventStoreSettings = this.settings.eventStore;
    if (!eventStoreSettings) {
      return;
    }
    const decoded = this.decodedEventStore();
    const { checkpoints } = this.requireEventStore();

    for (const projection of eventStoreSettings.projections) {
      const runner = new ProjectionRunner({ projection, store: decoded, db: this.db, logger: this.logger.child({ projection: projection.name }) });
      await runner.start();
      this.runners.set(projection.name, runner);
    }

    this.relay = new OutboxRelay({
      // The checkpoint belongs to one store, so its name includes the store's schema.
      name: `${this.settings.serviceName}-relay@${eventStoreSettings.postgresSchema ?? 'event_store'}`,
      store: decoded,
      kafka: this.kafka,
      checkpoints,
      topicFor: (_event: RecordedEvent) => eventStoreSettings.topic,
      logger: this.logger.child({ component: 'relay' }),
    });
    await this.relay.start();
  }

  runner(name: string): ProjectionRunner {
    const runner = this.runners.get(name);
    if (!runner) {
      throw new Error(`Projection ${name} is not running in ${this.settings.serviceName}.`);
    }
    return runner;
  }

  async health(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};
    const probes: Array<[string, () => Promise<unknown>]> = [
      ['kafka', () => this.admin.describeCluster()],
      ['mongodb', () => this.db.command({ ping: 1 })],
    ];
    if (this.eventStore) {
      probes.push(['eventStore', () => this.eventStore!.headPosition()]);
    }

    await Promise.all(
      probes.map(async ([name, probe]) => {
        try {
          await withTimeout(probe(), HEALTH_CHECK_TIMEOUT_MS);
          checks[name] = { status: 'ok' };
        } catch (error: unknown) {
          checks[name] = { status: 'failed', error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const status = Object.values(checks).every((check) => check.status === 'ok') ? 'ok' : 'degraded';
    return { status, checks };
  }

  /** Stops the relay and runners (each finishes its in-flight batch and stores its checkpoint), then closes connections. */
  async stop(): Promise<void> {
    await this.relay?.stop();
    for (const runner of this.runners.values()) {
      await runner.stop();
    }
    await this.eventStore?.close();
    await this.pool?.end();
    await this.mongo.close();
    await this.admin.disconnect();
    this.logger.info('Infrastructure stopped');
  }

  private requireEventStore(): { eventStore: EventStore; vault: PersonalDataVault; checkpoints: CheckpointStore } {
    if (!this.eventStore || !this.vault || !this.checkpoints) {
      throw new Error(`${this.settings.serviceName} was started without an event store.`);
    }
    return { eventStore: this.eventStore, vault: this.vault, checkpoints: this.checkpoints };
  }
}

function requireSetting(name: string, value: string | undefined): string {
  if (!value) {
    throw new ConfigError([`${name} (not set): required by the selected EVENT_STORE.`]);
  }
  return value;
}

function readMasterKey(path: string): Buffer {
  const absolute = resolve(path);
  let key: Buffer;
  try {
    key = Buffer.from(readFileSync(absolute, 'utf8').trim(), 'base64');
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`PERSONAL_DATA_MASTER_KEY_FILE (${JSON.stringify(path)}): cannot read ${absolute}: ${reason}. Run "npm run keys" to create a local one.`]);
  }
  if (key.length !== 32) {
    throw new ConfigError([`PERSONAL_DATA_MASTER_KEY_FILE (${JSON.stringify(path)}): expected base64 of 32 bytes, found ${key.length} bytes.`]);
  }
  return key;
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolvePromise(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
