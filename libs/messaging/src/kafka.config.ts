import { Admin, ITopicConfig, Kafka, logCreator, LogEntry, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaSettings {
  /** `host:port` addresses, for example ["127.0.0.1:19092"]. */
  brokers: string[];
  clientId: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** Parses a comma-separated KAFKA_BROKERS value into a list of `host:port` addresses. */
export function parseBrokers(value: string | undefined, fallback = '127.0.0.1:19092'): string[] {
  const brokers = (value ?? fallback)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);

  if (brokers.length === 0) {
    throw new Error(`KAFKA_BROKERS "${value ?? ''}" lists no broker. Set it to host:port[,host:port...].`);
  }
  return brokers;
}

/** Routes kafkajs log entries to a pino child logger, keeping their extra fields. */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      const { message, timestamp: _timestamp, ...extra } = log;
      const child = { ...extra, kafkaNamespace: namespace };

      switch (level) {
        case logLevel.ERROR:
          logger.error(child, message);
          break;
        case logLevel.WARN:
          logger.warn(child, message);
          break;
        case logLevel.INFO:
          logger.info(child, message);
          break;
        default:
          logger.debug(child, message);
      }
    };
}

/** Builds a kafkajs client whose logs go to `logger`. */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  if (settings.brokers.length === 0) {
    throw new Error(`Kafka client ${settings.clientId} has no brokers. Pass at least one host:port.`);
  }

  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: settings.connectionTimeoutMs ?? 3_000,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(logger.child({ component: 'kafkajs' })),
  });
}

export interface EnsureTopicsOptions {
  partitions: number;
  replicationFactor?: number;
}

/**
 * Creates the topics that do not exist yet; existing topics are left as they are (their
 * partition count is not changed). Safe to call from several services at once, because
 * kafkajs treats "topic already exists" as success. Returns the names it created.
 */
export async function ensureTopics(admin: Admin, topics: readonly string[], options: EnsureTopicsOptions): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(topics)].filter((topic) => !existing.has(topic));
  if (missing.length === 0) {
    return [];
  }

  const configs: ITopicConfig[] = missing.map((topic) => ({
    topic,
    numPartitions: options.partitions,
    replicationFactor: options.replicationFactor ?? 1,
  }));
  await admin.createTopics({ topics: configs, waitForLeaders: true });
  return missing;
}
