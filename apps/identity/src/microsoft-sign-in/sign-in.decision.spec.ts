// Pure sign-in rules; no I/O and nothing mocked.
import { DomainError } from '@team-access/contracts';
import { decideMicrosoftSignIn, DirectoryEntry, SignInFacts } from './sign-in.decision';

const TENANT = '11111111-1111-1111-1111-111111111111';

function facts(overrides: Partial<SignInFacts> = {}): SignInFacts {
  return {
    tenantId: TENANT,
    userPrincipalName: 'Jane.Doe@contoso.example',
    connectedOrganizationIds: ['org-1'],
    linkedUser: null,
    directory: [],
    ...overrides,
  };
}

function entry(loginName: string, status: DirectoryEntry['status'] = 'invited', kind: DirectoryEntry['kind'] = 'member'): DirectoryEntry {
  return { organizationId: 'org-1', loginName, kind, status };
}

function rejection(input: SignInFacts): DomainError {
  try {
    decideMicrosoftSignIn(input);
  } catch (error: unknown) {
    if (error instanceof DomainError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the sign-in to be rejected');
}

describe('decideMicrosoftSignIn', () => {
  it('claims an invitation by UPN case-insensitively', () => {
    const decision = decideMicrosoftSignIn(facts({ userPrincipalName: ' Jane.Doe@Contoso.Example ', directory: [entry('jane.doe@contoso.example')] }));

    expect(decision).toEqual({ outcome: 'new_user', organizationId: 'org-1', loginName: 'jane.doe@contoso.example', organizationOwner: false });
  });

  it('rejects a tenant no organization connected and names it', () => {
    const error = rejection(facts({ connectedOrganizationIds: [] }));

    expect(error.code).toBe('sign_in.tenant_not_connected');
    expect(error.message).toContain(TENANT);
  });

  it('tells an uninvited person plainly', () => {
    const error = rejection(facts({ directory: [entry('someone.else@contoso.example')] }));

    expect(error.code).toBe('sign_in.no_invitation');
    expect(error.message).toContain('no inbox has invited you');
  });

  it('ignores invitations of organizations that did not connect the tenant', () => {
    const foreign = { ...entry('jane.doe@contoso.example'), organizationId: 'org-2' };

    expect(rejection(facts({ directory: [foreign] })).code).toBe('sign_in.no_invitation');
  });

  it('rejects someone disabled in every inbox', () => {
    const error = rejection(facts({ directory: [entry('jane.doe@contoso.example', 'disabled')] }));

    expect(error.code).toBe('sign_in.all_memberships_disabled');
  });

  it('rejects a guest UPN', () => {
    const error = rejection(facts({ userPrincipalName: 'jane_fabrikam.example#EXT#@contoso.example' }));

    expect(error.code).toBe('sign_in.guest_account');
  });

  it('resolves a linked user by tenant and object id', () => {
    const decision = decideMicrosoftSignIn(
      facts({
        userPrincipalName: 'jane.smith@contoso.example',
        linkedUser: { userId: 'user-1', organizationId: 'org-1', loginName: 'jane.doe@contoso.example' },
        directory: [entry('jane.doe@contoso.example', 'active')],
      }),
    );

    expect(decision).toMatchObject({ outcome: 'existing_user', userId: 'user-1' });
  });

  it('marks organization owners', () => {
    const decision = decideMicrosoftSignIn(facts({ directory: [entry('jane.doe@contoso.example', 'active', 'organization_owner')] }));

    expect(decision).toMatchObject({ organizationOwner: true });
  });
});
