import { InboxEvent } from '@team-access/contracts';
import { EventCodec, PersonalDataSealer, sealingCodec } from '@team-access/runtime';

/**
 * Seals invitees' login names in stored events, one key per membership, so erasing a person
 * deletes their keys while the history of who invited whom, and when, stays readable.
 */
export function inboxCodec(vault: PersonalDataSealer): EventCodec<InboxEvent> {
  return sealingCodec<InboxEvent>(vault, async (event, sealer) => {
    if (event.type === 'inbox.member.invited' && event.data.loginName !== null) {
      return { ...event.data, loginName: await sealer.seal(event.data.memberId, event.data.loginName) };
    }
    return event.data;
  });
}
