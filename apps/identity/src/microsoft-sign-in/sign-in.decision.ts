import { DomainError, isGuestUpn, normalizeLoginName } from '@team-access/contracts';

/** One way a login name reaches an organization: an inbox membership, or organization ownership. */
export interface DirectoryEntry {
  organizationId: string;
  loginName: string;
  kind: 'member' | 'organization_owner';
  status: 'invited' | 'active' | 'disabled';
}

export interface LinkedUser {
  userId: string;
  organizationId: string;
  loginName: string;
}

/** Everything the decision reads, gathered by the handler beforehand. */
export interface SignInFacts {
  tenantId: string;
  userPrincipalName: string;
  /** Organizations that connected this tenant and have not disconnected it. */
  connectedOrganizationIds: string[];
  /** The user already bound to (tid, oid), if any. */
  linkedUser: LinkedUser | null;
  /** Directory entries of the connected organizations whose login name matches the UPN or the linked user's login name. */
  directory: DirectoryEntry[];
}

export type SignInDecision =
  | { outcome: 'existing_user'; userId: string; organizationId: string; loginName: string; organizationOwner: boolean }
  | { outcome: 'new_user'; organizationId: string; loginName: string; organizationOwner: boolean };

/**
 * Decides whether a validated Microsoft identity may sign in, and as whom.
 * The invitation is matched on the UPN only, never on the `email` claim, because Entra lets
 * `email` differ from the UPN and does not verify it.
 */
export function decideMicrosoftSignIn(facts: SignInFacts): SignInDecision {
  if (facts.connectedOrganizationIds.length === 0) {
    throw new DomainError(
      'forbidden',
      'sign_in.tenant_not_connected',
      `Your Microsoft organization (tenant ${facts.tenantId}) is not connected to any organization here, so Microsoft sign-in is not available for it.`,
      { value: facts.tenantId, fix: 'Ask an owner of your organization to connect this Entra tenant, or sign in another way.' },
    );
  }

  if (facts.linkedUser && facts.connectedOrganizationIds.includes(facts.linkedUser.organizationId)) {
    return decideForLinkedUser(facts, facts.linkedUser);
  }

  if (isGuestUpn(facts.userPrincipalName)) {
    throw new DomainError(
      'forbidden',
      'sign_in.guest_account',
      'Guest accounts of another Microsoft organization cannot sign in here.',
      { fix: 'Sign in with the account of your home organization, or ask to be invited with it.' },
    );
  }

  const loginName = normalizeLoginName(facts.userPrincipalName);
  const entries = entriesFor(facts, loginName);
  const usable = entries.filter((entry) => entry.status !== 'disabled');
  if (entries.length === 0) {
    throw noInvitation(loginName);
  }
  if (usable.length === 0) {
    throw allDisabled(loginName);
  }

  // NOTE: a UPN invited in several organizations that share one tenant joins the first in
  // organization-id order; choosing among them needs an organization picker.
  const organizationId = [...new Set(usable.map((entry) => entry.organizationId))].sort()[0];
  return {
    outcome: 'new_user',
    organizationId,
    loginName,
    organizationOwner: usable.some((entry) => entry.organizationId === organizationId && entry.kind === 'organization_owner'),
  };
}

function decideForLinkedUser(facts: SignInFacts, user: LinkedUser): SignInDecision {
  const loginName = normalizeLoginName(user.loginName);
  const entries = entriesFor(facts, loginName).filter((entry) => entry.organizationId === user.organizationId);
  const usable = entries.filter((entry) => entry.status !== 'disabled');
  if (entries.length === 0) {
    throw noInvitation(loginName);
  }
  if (usable.length === 0) {
    throw allDisabled(loginName);
  }

  return {
    outcome: 'existing_user',
    userId: user.userId,
    organizationId: user.organizationId,
    loginName,
    organizationOwner: usable.some((entry) => entry.kind === 'organization_owner'),
  };
}

function entriesFor(facts: SignInFacts, loginName: string): DirectoryEntry[] {
  return facts.directory.filter(
    (entry) => facts.connectedOrganizationIds.includes(entry.organizationId) && normalizeLoginName(entry.loginName) === loginName,
  );
}

function noInvitation(loginName: string): DomainError {
  return new DomainError(
    'forbidden',
    'sign_in.no_invitation',
    `You signed in with Microsoft as ${loginName}, but no inbox has invited you, so there is nothing to open yet.`,
    {
      value: loginName,
      fix: 'Ask an owner or manager of the inbox you need to invite you with exactly this user principal name.',
    },
  );
}

function allDisabled(loginName: string): DomainError {
  return new DomainError(
    'forbidden',
    'sign_in.all_memberships_disabled',
    `Your access as ${loginName} is disabled in every inbox of your organization.`,
    { value: loginName, fix: 'Ask an owner or manager of your organization to enable your access again.' },
  );
}
