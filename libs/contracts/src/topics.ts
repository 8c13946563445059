const NAMESPACE_PATTERN = /^([a-z0-9][a-z0-9-]{0,40}\.)?$/;

/**
 * Prefix of every Kafka topic and consumer group, from KAFKA_NAMESPACE (default empty). Test
 * runs set one of their own, so they can share a broker with a running system, or with earlier
 * runs, without exchanging messages. Read once when this module loads, because message patterns
 * are fixed when controllers are declared.
 */
export const KAFKA_NAMESPACE = readNamespace(process.env.KAFKA_NAMESPACE ?? '');

function readNamespace(value: string): string {
  if (!NAMESPACE_PATTERN.test(value)) {
    throw new Error(`KAFKA_NAMESPACE (${JSON.stringify(value)}) is invalid: expected lower-case letters, digits and "-" ending with ".", such as "e2e-1a2b.", or nothing.`);
  }
  return value;
}

/**
 * Kafka topics. Each service publishes the events of its own streams to one topic, keyed by
 * stream id so that one aggregate's events keep their order within a partition.
 */
export const Topics = {
  identityEvents: `${KAFKA_NAMESPACE}team-access.identity.events.v1`,
  inboxEvents: `${KAFKA_NAMESPACE}team-access.inbox.events.v1`,
  organizationEvents: `${KAFKA_NAMESPACE}team-access.organization.events.v1`,
} as const;

/** Kafka message header names set by the relay on every published event. */
export const EventHeaders = {
  eventId: 'event-id',
  eventType: 'event-type',
  schemaVersion: 'schema-version',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  organizationId: 'organization-id',
  streamId: 'stream-id',
  streamRevision: 'stream-revision',
} as const;
