import { EventData, EventHeaders, EventMetadata, EventType } from '@team-access/contracts';
import type { RecordedEvent } from '@team-access/event-store';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { z } from 'zod';

/** An event as it travels on Kafka: the JSON value of every message the relay publishes. */
export interface EventEnvelope<TData = unknown> {
  type: string;
  schemaVersion: number;
  data: TData;
  metadata: EventMetadata;
  streamId: string;
  revision: number;
  position: number;
}

/** Narrows an envelope to one wire type, so that `data` gets that type's payload shape. */
export function isEventOfType<T extends EventType>(
  envelope: EventEnvelope,
  type: T,
): envelope is EventEnvelope<EventData<T>> & { type: T } {
  return envelope.type === type;
}

/** Builds the Kafka message for an event: keyed by stream id, JSON value, metadata in headers. */
export function toKafkaMessage(event: RecordedEvent, data: unknown): Message {
  const envelope: EventEnvelope = {
    type: event.type,
    schemaVersion: event.schemaVersion,
    data,
    metadata: event.metadata,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
  };

  const headers: IHeaders = {
    [EventHeaders.eventId]: event.metadata.eventId,
    [EventHeaders.eventType]: event.type,
    [EventHeaders.schemaVersion]: String(event.schemaVersion),
    [EventHeaders.correlationId]: event.metadata.correlationId,
    [EventHeaders.organizationId]: event.metadata.organizationId,
    [EventHeaders.streamId]: event.streamId,
    [EventHeaders.streamRevision]: String(event.revision),
  };
  // A first event in a causal chain has no cause; the header is then absent rather than empty.
  if (event.metadata.causationId !== null) {
    headers[EventHeaders.causationId] = event.metadata.causationId;
  }

  return { key: event.streamId, value: JSON.stringify(envelope), headers };
}

const actorSchema = z.union([
  z.object({ kind: z.literal('user'), userId: z.string() }),
  z.object({ kind: z.literal('system'), name: z.string() }),
  z.object({ kind: z.literal('provisioning'), clientId: z.string() }),
]);

const envelopeSchema = z.object({
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  data: z.unknown(),
  metadata: z.object({
    eventId: z.string().min(1),
    correlationId: z.string(),
    causationId: z.string().nullable(),
    actor: actorSchema,
    organizationId: z.string(),
    occurredAt: z.string(),
  }),
  streamId: z.string().min(1),
  revision: z.number().int().nonnegative(),
  position: z.number().int().positive(),
});

export type DecodeResult = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

/** Parses a consumed message's value into an envelope; checks the envelope shape, not the payload. */
export function decodeEventMessage(message: Pick<KafkaMessage, 'value'>): DecodeResult {
  if (message.value === null) {
    return { ok: false, reason: 'message has no value (tombstone)' };
  }

  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (error: unknown) {
    return { ok: false, reason: `value is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }

  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return { ok: false, reason: `value is not an event envelope: ${issues.join('; ')}` };
  }
  return { ok: true, envelope: parsed.data as EventEnvelope };
}

/** Reads one header as a string; kafkajs delivers header values as Buffers. */
export function headerValue(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) {
    return undefined;
  }
  return typeof first === 'string' ? first : first.toString('utf8');
}
