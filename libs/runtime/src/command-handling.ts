import { randomUUID } from 'node:crypto';
import { Actor, DomainEvent, EventMetadata } from '@team-access/contracts';
import { EventStore, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '@team-access/event-store';

/** The pure functions of one aggregate: fold events into state, decide events from a command. */
export interface Decider<TState, TCommand, TEvent extends DomainEvent> {
  initialState(): TState;
  evolve(state: TState, event: TEvent): TState;
  decide(state: TState, command: TCommand): TEvent[];
}

/**
 * Converts between events as the domain sees them and as the store keeps them. Services use it
 * to seal personal data before an append and to open it after a read.
 */
export interface EventCodec<TEvent extends DomainEvent> {
  encode(streamId: string, event: TEvent): Promise<unknown>;
  decode(recorded: RecordedEvent): Promise<TEvent>;
}

/** The part of the personal-data vault that event codecs use. */
export interface PersonalDataSealer {
  seal(subjectId: string, plaintext: string): Promise<unknown>;
  openDeep<T>(value: T): Promise<T>;
}

/**
 * A codec that seals personal data on the way into the store and opens every sealed value on the
 * way out. `encodeData` returns the event's data with its personal fields sealed.
 */
export function sealingCodec<TEvent extends DomainEvent>(
  vault: PersonalDataSealer,
  encodeData: (event: TEvent, vault: PersonalDataSealer) => Promise<unknown>,
): EventCodec<TEvent> {
  return {
    encode: (_streamId, event) => encodeData(event, vault),
    decode: async (recorded) => ({ type: recorded.type, schemaVersion: recorded.schemaVersion, data: await vault.openDeep(recorded.data) }) as TEvent,
  };
}

export function plainCodec<TEvent extends DomainEvent>(): EventCodec<TEvent> {
  return {
    encode: async (_streamId, event) => event.data,
    decode: async (recorded) => ({ type: recorded.type, schemaVersion: recorded.schemaVersion, data: recorded.data }) as TEvent,
  };
}

export interface CommandContext {
  organizationId: string;
  correlationId: string;
  causationId?: string | null;
  actor: Actor;
  now: () => Date;
}

export interface CommandOutcome<TState, TEvent> {
  events: TEvent[];
  state: TState;
  /** Global position of the last appended event, or null when nothing was appended. */
  lastPosition: number | null;
}

const MAX_ATTEMPTS = 5;

/**
 * Loads the stream, decides, and appends with the expected revision. A concurrent writer makes
 * the append fail; the handler then re-reads and decides again on the fresh state, so a retry
 * re-validates instead of replaying a stale decision.
 */
export async function handleCommand<TState, TCommand, TEvent extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<TState, TCommand, TEvent>,
  codec: EventCodec<TEvent>,
  command: TCommand,
  context: CommandContext,
): Promise<CommandOutcome<TState, TEvent>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadAggregate(store, streamId, decider, codec);

    const events = decider.decide(state, command);
    if (events.length === 0) {
      return { events, state, lastPosition: null };
    }

    const newEvents = await Promise.all(events.map(async (event) => toNewEvent(streamId, event, codec, context)));
    try {
      const result = await store.append(streamId, newEvents, revision < 0 ? 'no_stream' : revision);
      return { events, state: events.reduce(decider.evolve, state), lastPosition: result.lastPosition };
    } catch (error: unknown) {
      if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) {
        throw error;
      }
    }
  }
}

export async function loadAggregate<TState, TCommand, TEvent extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<TState, TCommand, TEvent>,
  codec: EventCodec<TEvent>,
): Promise<{ state: TState; revision: number }> {
  const recorded = await store.readStream(streamId);

  let state = decider.initialState();
  for (const event of recorded) {
    state = decider.evolve(state, await codec.decode(event));
  }
  return { state, revision: recorded.length === 0 ? -1 : recorded[recorded.length - 1].revision };
}

async function toNewEvent<TEvent extends DomainEvent>(
  streamId: string,
  event: TEvent,
  codec: EventCodec<TEvent>,
  context: CommandContext,
): Promise<NewEvent> {
  return withMetadata(event, await codec.encode(streamId, event), context);
}

/** Wraps an event's stored data with fresh metadata from the command context. */
export function withMetadata(event: DomainEvent, data: unknown, context: CommandContext): NewEvent {
  const metadata: EventMetadata = {
    eventId: randomUUID(),
    correlationId: context.correlationId,
    causationId: context.causationId ?? null,
    actor: context.actor,
    organizationId: context.organizationId,
    occurredAt: context.now().toISOString(),
  };
  return { type: event.type, schemaVersion: event.schemaVersion, data, metadata };
}
