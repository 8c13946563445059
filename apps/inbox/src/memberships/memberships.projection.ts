import { InboxEvent } from '@team-access/contracts';
import { RecordedEvent } from '@team-access/event-store';
import { Projection, WriteOp } from '@team-access/projections';
import { INBOX_PROJECTION } from './memberships.read-models';

/**
 * Read models of the inbox service: `inboxes` and `memberships`. The runner adds the
 * `lastPosition` guard to every write, so a replayed event changes nothing.
 * Events reach it with personal data already opened (see decodingEventStore).
 */
export function projectInboxEvent(recorded: RecordedEvent): WriteOp[] {
  const event = { type: recorded.type, data: recorded.data } as InboxEvent;
  const occurredAt = recorded.metadata.occurredAt;

  switch (event.type) {
    case 'inbox.inbox.created':
      return [
        {
          collection: 'inboxes',
          updateOne: {
            filter: { _id: event.data.inboxId },
            update: { $set: { organizationId: event.data.organizationId, name: event.data.name, createdAt: occurredAt } },
            upsert: true,
          },
        },
      ];

    case 'inbox.member.invited':
      return [
        {
          collection: 'memberships',
          updateOne: {
            filter: { _id: event.data.memberId },
            update: {
              $set: {
                organizationId: event.data.organizationId,
                inboxId: event.data.inboxId,
                inboxName: event.data.inboxName,
                loginName: event.data.loginName,
                tier: event.data.tier,
                role: event.data.role,
                status: 'invited',
                userId: null,
                invitedAt: occurredAt,
                invitedBy: recorded.metadata.actor,
              },
            },
            upsert: true,
          },
        },
      ];

    case 'inbox.member.claimed':
      return [
        {
          collection: 'memberships',
          updateOne: {
            filter: { _id: event.data.memberId },
            update: { $set: { userId: event.data.userId, status: 'active', claimedAt: occurredAt } },
            upsert: false,
          },
        },
      ];

    default:
      return [];
  }
}

export const inboxProjection: Projection = {
  name: INBOX_PROJECTION.name,
  version: INBOX_PROJECTION.version,
  collections: ['inboxes', 'memberships'],
  indexes: {
    memberships: [
      { name: 'memberships_of_user', key: { organizationId: 1, userId: 1 } },
      { name: 'memberships_by_login_name', key: { organizationId: 1, loginName: 1 } },
      { name: 'members_of_inbox', key: { organizationId: 1, inboxId: 1 } },
    ],
    inboxes: [{ name: 'inboxes_of_organization', key: { organizationId: 1 } }],
  },
  project: projectInboxEvent,
};
