import { InboxEvent } from '@team-access/contracts';

/** One MongoDB write aimed at a logical collection; the projection runner maps it to the versioned one. */
export interface ProjectionWrite {
  collection: 'inboxes' | 'memberships';
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
  upsert: boolean;
}

export interface PositionedInboxEvent {
  event: InboxEvent;
  position: number;
  occurredAt: string;
}

/**
 * Read models of the inbox service. Every document stores the position of the last event applied
 * (`lastPosition`), and every update is guarded by it, so a replayed event changes nothing.
 */
export function projectInboxEvent({ event, position, occurredAt }: PositionedInboxEvent): ProjectionWrite[] {
  const notYetApplied = { lastPosition: { $lt: position } };

  switch (event.type) {
    case 'inbox.inbox.created':
      return [
        {
          collection: 'inboxes',
          filter: { _id: event.data.inboxId, ...notYetApplied },
          update: {
            $set: { organizationId: event.data.organizationId, name: event.data.name, createdAt: occurredAt, lastPosition: position },
          },
          upsert: true,
        },
      ];

    case 'inbox.member.invited':
      return [
        {
          collection: 'memberships',
          filter: { _id: event.data.memberId, ...notYetApplied },
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
              lastPosition: position,
            },
          },
          upsert: true,
        },
      ];

    case 'inbox.member.claimed':
      return [
        {
          collection: 'memberships',
          filter: { _id: event.data.memberId, ...notYetApplied },
          update: { $set: { userId: event.data.userId, status: 'active', claimedAt: occurredAt, lastPosition: position } },
          upsert: false,
        },
      ];
  }
}
