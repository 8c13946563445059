import { Logger } from 'pino';
import { EventEnvelope, isEventOfType } from '@team-access/messaging';
import { InboxCommands } from '../inboxes/inbox.commands';
import { MembershipQueries } from '../memberships/memberships.queries';

/**
 * Claims a new user's invitations: when identity registers someone under a login name, every
 * unclaimed membership with that login name in the organization is bound to the new user id.
 * Idempotent, because claiming an already claimed membership decides no event.
 */
export function identityEventsHandler(commands: InboxCommands, queries: MembershipQueries, logger: Logger) {
  return async (envelope: EventEnvelope): Promise<void> => {
    if (!isEventOfType(envelope, 'identity.user.registered')) {
      return;
    }
    const { organizationId, userId, loginName } = envelope.data;
    if (loginName === null) {
      return;
    }

    // Recorded first: an invitation decided after this point claims at once. NOTE: an invitation
    // decided while this event is in flight, but projected only after the query below, stays
    // unclaimed until the person is invited again.
    await queries.recordRegisteredUser(organizationId, loginName, userId);
    const inboxIds = await queries.inboxesInvitingLoginName(organizationId, loginName);
    for (const inboxId of inboxIds) {
      await commands.claimInvitation(organizationId, inboxId, loginName, userId, envelope.metadata.correlationId);
    }
    logger.info({ organizationId, userId, inboxes: inboxIds.length }, 'Invitations claimed');
  };
}
