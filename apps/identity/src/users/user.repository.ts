import { Inject, Injectable } from '@nestjs/common';
import { IdentityEvent } from '@team-access/contracts';
import { EventStore, NewEvent } from '@team-access/event-store';
import { CommandContext, Decider, EVENT_STORE, EventCodec, loadAggregate, PERSONAL_DATA_VAULT, PersonalDataSealer, sealingCodec, withMetadata } from '@team-access/runtime';
import { decideUser, evolveUser, initialUserState, UserCommand, UserState, userStreamId } from './user.decider';

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
    this.codec = sealingCodec<IdentityEvent>(vault, async (event, sealer) => {
      if (event.type === 'identity.user.registered' && event.data.loginName !== null) {
        return { ...event.data, loginName: await sealer.seal(event.data.userId, event.data.loginName) };
      }
      return event.data;
    });
  }

  load(userId: string): Promise<{ state: UserState; revision: number }> {
    return loadAggregate(this.store, userStreamId(userId), this.decider, this.codec);
  }

  /** For events without personal data, appended outside the user's own stream. */
  toNewEvent(event: IdentityEvent, context: CommandContext): NewEvent {
    return withMetadata(event, event.data, context);
  }
}
