import { InboxEvent } from '@team-access/contracts';
import { RecordedEvent } from '@team-access/event-store';
import { EventCodec } from '@team-access/runtime';

/** The part of the personal-data vault this codec needs. */
export interface PersonalDataSealer {
  seal(subjectId: string, plaintext: string): Promise<unknown>;
  openDeep<T>(value: T): Promise<T>;
}

/**
 * Seals invitees' login names in stored events, one key per membership, so erasing a person
 * deletes their keys while the history of who invited whom, and when, stays readable.
 */
export function inboxCodec(vault: PersonalDataSealer): EventCodec<InboxEvent> {
  return {
    encode: async (_streamId, event) => {
      if (event.type === 'inbox.member.invited' && event.data.loginName !== null) {
        return { ...event.data, loginName: await vault.seal(event.data.memberId, event.data.loginName) };
      }
      return event.data;
    },

    decode: async (recorded: RecordedEvent) =>
      ({ type: recorded.type, schemaVersion: recorded.schemaVersion, data: await vault.openDeep(recorded.data) }) as InboxEvent,
  };
}
