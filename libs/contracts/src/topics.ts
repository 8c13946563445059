/**
 * Kafka topics. Each service publishes the events of its own streams to one topic, keyed by
 * stream id so that one aggregate's events keep their order within a partition.
 */
export const Topics = {
  identityEvents: 'team-access.identity.events.v1',
  inboxEvents: 'team-access.inbox.events.v1',
  organizationEvents: 'team-access.organization.events.v1',
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
