// Pure projection tests: events in, MongoDB writes out. No database is involved here; the
// writes run against the real MongoDB-wire server in the end-to-end tests.
import { randomUUID } from 'node:crypto';
import { event, InboxEvent } from '@team-access/contracts';
import { RecordedEvent } from '@team-access/event-store';
import { projectInboxEvent } from './memberships.projection';

function recorded(domainEvent: InboxEvent, position: number): RecordedEvent {
  return {
    ...domainEvent,
    streamId: 'inbox-1',
    revision: position - 1,
    position,
    recordedAt: new Date('2026-12-04T10:00:00Z'),
    metadata: {
      eventId: randomUUID(),
      correlationId: 'c',
      causationId: null,
      actor: { kind: 'user', userId: 'owner' },
      organizationId: 'org-1',
      occurredAt: '2026-12-04T10:00:00.000Z',
    },
  };
}

const invited = event('inbox.member.invited', {
  organizationId: 'org-1',
  inboxId: 'inbox-1',
  inboxName: 'Support',
  memberId: 'member-1',
  loginName: 'jane.doe@contoso.example',
  tier: 'member',
  role: 'default',
});

describe('projectInboxEvent', () => {
  it('upserts an invited membership with who invited', () => {
    const [write] = projectInboxEvent(recorded(invited, 7));

    expect(write).toMatchObject({
      collection: 'memberships',
      updateOne: {
        filter: { _id: 'member-1' },
        update: { $set: { status: 'invited', loginName: 'jane.doe@contoso.example', invitedBy: { kind: 'user', userId: 'owner' } } },
        upsert: true,
      },
    });
  });

  it('activates a claimed membership without creating one', () => {
    const claimed = event('inbox.member.claimed', { organizationId: 'org-1', inboxId: 'inbox-1', memberId: 'member-1', userId: 'user-1' });

    const [write] = projectInboxEvent(recorded(claimed, 8));

    expect(write).toMatchObject({ collection: 'memberships', updateOne: { update: { $set: { userId: 'user-1', status: 'active' } }, upsert: false } });
  });
});
