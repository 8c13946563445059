import { Inject, Injectable } from '@nestjs/common';
import { IdentityEvent } from '@team-access/contracts';
import { EventStore, NewEvent, RecordedEvent } from '@team-access/event-store';
import { CommandContext, Decider, EVENT_STORE, EventCodec, loadAggregate, PERSONAL_DATA_VAULT, withMetadata } from '@team-access/runtime';
import { decideUser, evolveUser, initialUserState, UserCommand, UserState, userStreamId } from './user.decider';

/** The part of the personal-data vault identity needs. */
export interface PersonalDataSealer {
  seal(subjectId: string, plaintext: string): Promise<unknown>;
  openDeep<T>(value: T): Promise<T>;
}

/** Loads users and encodes their events; login names are sealed under the user's own key. */
@Injectable()
export class UserRepository {
  readonly decider: Decider<UserState, UserCommand, IdentityEvent> = {
    initialState: initialUserState,
    evolve: evolveUser,
    decide: decideUser,
  };

  readonly codec: EventCodec<IdentityEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA_VAULT) vault: PersonalDataSealer,
  ) {
    this.codec = {
      encode: async (_streamId, event) => {
        if (event.type === 'identity.user.registered' && event.data.loginName !== null) {
          return { ...event.data, loginName: await vault.seal(event.data.userId, event.data.loginName) };
        }
        return event.data;
      },
      decode: async (recorded: RecordedEvent) =>
        ({ type: recorded.type, schemaVersion: recorded.schemaVersion, data: await vault.openDeep(recorded.data) }) as IdentityEvent,
    };
  }

  load(userId: string): Promise<{ state: UserState; revision: number }> {
    return loadAggregate(this.store, userStreamId(userId), this.decider, this.codec);
  }

  /** For events without personal data, appended outside the user's own stream. */
  toNewEvent(event: IdentityEvent, context: CommandContext): NewEvent {
    return withMetadata(event, event.data, context);
  }
}
