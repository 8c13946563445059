// Pure projection tests: events in, MongoDB writes out. No database is involved here; the
// writes run against the real MongoDB-wire server in the service's integration tests.
import { event } from '@team-access/contracts';
import { projectInboxEvent } from './memberships.projection';

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
  it('upserts an invited membership guarded by position', () => {
    const [write] = projectInboxEvent({ event: invited, position: 7, occurredAt: '2026-12-04T10:00:00.000Z' });

    expect(write.collection).toBe('memberships');
    expect(write.filter).toEqual({ _id: 'member-1', lastPosition: { $lt: 7 } });
    expect(write.update).toMatchObject({ $set: { status: 'invited', loginName: 'jane.doe@contoso.example', lastPosition: 7 } });
    expect(write.upsert).toBe(true);
  });

  it('activates a claimed membership without creating one', () => {
    const claimed = event('inbox.member.claimed', { organizationId: 'org-1', inboxId: 'inbox-1', memberId: 'member-1', userId: 'user-1' });

    const [write] = projectInboxEvent({ event: claimed, position: 8, occurredAt: '2026-12-04T10:01:00.000Z' });

    expect(write.update).toMatchObject({ $set: { userId: 'user-1', status: 'active' } });
    expect(write.upsert).toBe(false);
  });
});
