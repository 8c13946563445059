/**
 * Who caused a change. Auditors read it to find out who gave access to whom.
 */
export type Actor =
  | { kind: 'user'; userId: string }
  | { kind: 'system'; name: string }
  | { kind: 'provisioning'; clientId: string };

/** Metadata stored with every event and carried in Kafka headers. */
export interface EventMetadata {
  eventId: string;
  correlationId: string;
  causationId: string | null;
  actor: Actor;
  organizationId: string;
  /** ISO 8601 time at which the deciding command ran, taken from the injected clock. */
  occurredAt: string;
}

/**
 * An event as the domain produces it, before the store assigns revision and position.
 * `type` is the stable wire name; class names are never the wire identity.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  type: TType;
  schemaVersion: number;
  data: TData;
}
