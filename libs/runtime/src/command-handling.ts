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
 * Converts between events as the domain uses them and as the store keeps them. Services use it
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
 * Creates a codec that seals personal data on the way into the store and opens every sealed value
 * on the way out. `encodeData` returns the event's data with its personal fields sealed.
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

/**
 * The last folded state of recently used streams, so a command reads only the events appended
 * since, instead of the whole stream with every sealed value opened again. Safe with several
 * instances: the append still checks the expected revision, and a conflict reads the new events.
 * NOTE: cached states keep opened personal data until evicted; erasing a person must also
 * evict the streams that hold their data.
 */
export class AggregateCache<TState> {
  private readonly entries = new Map<string, { state: TState; revision: number }>();

  constructor(private readonly maxEntries = 1_000) {}

  get(streamId: string): { state: TState; revision: number } | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  set(streamId: string, state: TState, revision: number): void {
    this.entries.delete(streamId);
    this.entries.set(streamId, { state, revision });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
      }
    }
  }

  evict(streamId: string): void {
    this.entries.delete(streamId);
  }
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
 * the append fail. The handler then re-reads and decides again on the fresh state, so a retry
 * re-validates instead of replaying a stale decision.
 */
export async function handleCommand<TState, TCommand, TEvent extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<TState, TCommand, TEvent>,
  codec: EventCodec<TEvent>,
  command: TCommand,
  context: CommandContext,
  cache?: AggregateCache<TState>,
): Promise<CommandOutcome<TState, TEvent>> {
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadAggregate(store, streamId, decider, codec, cache);

    const events = decider.decide(state, command);
    if (events.length === 0) {
      return { events, state, lastPosition: null };
    }

    const newEvents = await Promise.all(events.map(async (event) => toNewEvent(streamId, event, codec, context)));
    try {
      const result = await store.append(streamId, newEvents, revision < 0 ? 'no_stream' : revision);
      const nextState = events.reduce(decider.evolve, state);
      cache?.set(streamId, nextState, result.nextExpectedRevision);
      return { events, state: nextState, lastPosition: result.lastPosition };
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
  cache?: AggregateCache<TState>,
): Promise<{ state: TState; revision: number }> {
  const cached = cache?.get(streamId);
  const fromRevision = cached ? cached.revision + 1 : 0;
  const recorded = await store.readStream(streamId, { fromRevision });

  let state = cached ? cached.state : decider.initialState();
  for (const event of recorded) {
    state = decider.evolve(state, await codec.decode(event));
  }

  const lastRecorded = recorded.at(-1);
  const revision = lastRecorded ? lastRecorded.revision : (cached?.revision ?? -1);
  if (revision >= 0) {
    cache?.set(streamId, state, revision);
  }
  return { state, revision };
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
