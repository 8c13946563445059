// Pure decide/evolve tests written as given events, when command, then events or error.
// Nothing is mocked and no I/O happens.
import { DomainError, event, InboxEvent } from '@team-access/contracts';
import { CommandActor, decideInbox, InboxCommand } from './inbox.decider';
import { evolveInbox, initialInboxState, InboxState } from './inbox.state';

const ORG = 'org-1';
const INBOX = 'inbox-1';
const owner: CommandActor = { userId: 'owner-user', organizationId: ORG, organizationOwner: true };

function given(...events: InboxEvent[]): InboxState {
  return events.reduce(evolveInbox, initialInboxState());
}

function decideError(state: InboxState, command: InboxCommand): DomainError {
  try {
    decideInbox(state, command);
  } catch (error: unknown) {
    if (error instanceof DomainError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the command to be rejected');
}

const created = event('inbox.inbox.created', { organizationId: ORG, inboxId: INBOX, name: 'Support' });

function invite(overrides: Partial<Extract<InboxCommand, { type: 'InviteMember' }>> = {}): InboxCommand {
  return {
    type: 'InviteMember',
    organizationId: ORG,
    inboxId: INBOX,
    memberId: 'member-1',
    loginName: 'Jane.Doe@contoso.example',
    tier: 'member',
    role: 'default',
    actor: owner,
    ...overrides,
  };
}

function invited(memberId: string, loginName: string, tier: 'member' | 'manager' | 'owner' = 'member') {
  return event('inbox.member.invited', {
    organizationId: ORG,
    inboxId: INBOX,
    inboxName: 'Support',
    memberId,
    loginName,
    tier,
    role: 'default',
  });
}

describe('decideInbox InviteMember', () => {
  it('invites with the normalized login name', () => {
    expect(decideInbox(given(created), invite())).toEqual([invited('member-1', 'jane.doe@contoso.example')]);
  });

  it('claims at once for a person who already signed in', () => {
    const events = decideInbox(given(created), invite({ registeredUserId: 'jane' }));

    expect(events.map((decided) => decided.type)).toEqual(['inbox.member.invited', 'inbox.member.claimed']);
    expect(events[1].data).toMatchObject({ memberId: 'member-1', userId: 'jane' });
  });

  it('emits nothing for a repeated identical invitation', () => {
    const state = given(created, invited('member-1', 'jane.doe@contoso.example'));

    expect(decideInbox(state, invite({ memberId: 'member-2', loginName: ' JANE.DOE@contoso.example ' }))).toEqual([]);
  });

  it('rejects a second invitation with another tier', () => {
    const state = given(created, invited('member-1', 'jane.doe@contoso.example'));

    expect(decideError(state, invite({ tier: 'manager' })).code).toBe('inbox.member_already_invited');
  });

  it('rejects an invalid address with its value', () => {
    const error = decideError(given(created), invite({ loginName: 'not-an-address' }));

    expect(error.kind).toBe('invalid');
    expect(error.code).toBe('inbox.login_name_invalid');
    expect(error.details.value).toBe('not-an-address');
  });

  it.each([
    ['a NUL character', 'a\u0000b@contoso.example'],
    ['a right-to-left override', 'a\u202e@contoso.example'],
    ['a zero-width space', 'jane\u200b.doe@contoso.example'],
  ])('rejects a login name with %s', (_case, loginName) => {
    expect(decideError(given(created), invite({ loginName })).code).toBe('inbox.login_name_invalid');
  });

  it('rejects a role that does not exist', () => {
    const error = decideError(given(created), invite({ role: 'admin' }));

    expect(error.code).toBe('inbox.role_unknown');
    expect(error.details.value).toBe('admin');
  });

  it('shortens a very long value in the error body', () => {
    const loginName = `${'x'.repeat(5000)}@contoso.example`;

    const body = decideError(given(created), invite({ loginName })).toBody();

    expect(String(body.value).length).toBeLessThan(300);
    expect(body.message.length).toBeLessThan(400);
  });

  it('rejects a guest user principal name', () => {
    const error = decideError(given(created), invite({ loginName: 'jane_fabrikam.example#EXT#@contoso.example' }));

    expect(error.code).toBe('inbox.login_name_guest');
  });

  it('answers an unknown inbox with not found', () => {
    expect(decideError(given(), invite()).kind).toBe('not_found');
  });

  it('answers another organization exactly like an unknown inbox', () => {
    const otherOrganization: CommandActor = { userId: 'u', organizationId: 'org-2', organizationOwner: true };
    const foreign = decideError(given(created), invite({ organizationId: 'org-2', actor: otherOrganization }));
    const missing = decideError(given(), invite({ organizationId: 'org-2', actor: otherOrganization }));

    expect(foreign.kind).toBe('not_found');
    expect(foreign.code).toBe(missing.code);
    expect(foreign.message).toBe(missing.message);
  });

  it('lets a manager invite members but not managers', () => {
    const manager: CommandActor = { userId: 'manager-user', organizationId: ORG, organizationOwner: false };
    const state = given(
      created,
      invited('member-m', 'manager@contoso.example', 'manager'),
      event('inbox.member.claimed', { organizationId: ORG, inboxId: INBOX, memberId: 'member-m', userId: 'manager-user' }),
    );

    expect(decideInbox(state, invite({ actor: manager }))).toHaveLength(1);
    expect(decideError(state, invite({ actor: manager, tier: 'manager' })).code).toBe('inbox.invite_forbidden');
  });

  it('hides the inbox from a caller without membership', () => {
    const stranger: CommandActor = { userId: 'stranger', organizationId: ORG, organizationOwner: false };

    expect(decideError(given(created), invite({ actor: stranger })).kind).toBe('not_found');
  });
});

describe('decideInbox ClaimInvitation', () => {
  const claim: InboxCommand = { type: 'ClaimInvitation', organizationId: ORG, inboxId: INBOX, loginName: 'JANE.doe@contoso.example', userId: 'jane' };

  it('claims by login name case-insensitively', () => {
    const state = given(created, invited('member-1', 'jane.doe@contoso.example'));

    expect(decideInbox(state, claim)).toEqual([
      event('inbox.member.claimed', { organizationId: ORG, inboxId: INBOX, memberId: 'member-1', userId: 'jane' }),
    ]);
  });

  it('emits nothing when already claimed by the same user', () => {
    const state = given(
      created,
      invited('member-1', 'jane.doe@contoso.example'),
      event('inbox.member.claimed', { organizationId: ORG, inboxId: INBOX, memberId: 'member-1', userId: 'jane' }),
    );

    expect(decideInbox(state, claim)).toEqual([]);
  });

  it('makes the claimed member active', () => {
    const state = given(
      created,
      invited('member-1', 'jane.doe@contoso.example'),
      event('inbox.member.claimed', { organizationId: ORG, inboxId: INBOX, memberId: 'member-1', userId: 'jane' }),
    );

    expect(state.members.get('member-1')?.status).toBe('active');
  });
});

describe('decideInbox CreateInbox', () => {
  const create: InboxCommand = { type: 'CreateInbox', organizationId: ORG, inboxId: INBOX, name: ' Support ', actor: owner };

  it('creates with a trimmed name', () => {
    expect(decideInbox(given(), create)).toEqual([created]);
  });

  it('is idempotent for the same name', () => {
    expect(decideInbox(given(created), create)).toEqual([]);
  });

  it('rejects a name with control characters', () => {
    expect(decideError(given(), { ...create, name: 'Support\u0000' }).code).toBe('inbox.name_invalid');
  });

  it('rejects a caller who is not an organization owner', () => {
    const member: CommandActor = { userId: 'u', organizationId: ORG, organizationOwner: false };

    expect(decideError(given(), { ...create, actor: member }).kind).toBe('forbidden');
  });
});
