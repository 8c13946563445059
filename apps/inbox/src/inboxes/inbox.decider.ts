import { canCreateInbox, canManageMember, canUseInbox } from '@team-access/auth';
import { DomainError, event, hasInvisibleCharacters, InboxEvent, isGuestUpn, isTier, isValidLoginName, normalizeLoginName, preview, Tier } from '@team-access/contracts';
import { findMemberByLoginName, findMemberByUserId, InboxState } from './inbox.state';

/** The authenticated caller, taken from a verified session token. */
export interface CommandActor {
  userId: string;
  organizationId: string;
  organizationOwner: boolean;
}

export interface CreateInbox {
  type: 'CreateInbox';
  organizationId: string;
  inboxId: string;
  name: string;
  actor: CommandActor;
}

export interface InviteMember {
  type: 'InviteMember';
  organizationId: string;
  inboxId: string;
  memberId: string;
  loginName: string;
  tier: Tier;
  role: string;
  actor: CommandActor;
  /** The user already registered under this login name in the organization, if any. */
  registeredUserId?: string | null;
}

export interface ClaimInvitation {
  type: 'ClaimInvitation';
  organizationId: string;
  inboxId: string;
  loginName: string;
  userId: string;
}

export type InboxCommand = CreateInbox | InviteMember | ClaimInvitation;

export const INBOX_NAME_MAX_LENGTH = 100;
export const ROLE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,49}$/;
export const DEFAULT_ROLE = 'default';
// NOTE: only the default role exists until custom roles, which seed notification settings, are built.
const KNOWN_ROLES: readonly string[] = [DEFAULT_ROLE];

/**
 * Decides which events a command produces. An empty array means the command changes nothing
 * (a repeated request), and the caller then appends nothing.
 */
export function decideInbox(state: InboxState, command: InboxCommand): InboxEvent[] {
  switch (command.type) {
    case 'CreateInbox':
      return decideCreateInbox(state, command);
    case 'InviteMember':
      return decideInviteMember(state, command);
    case 'ClaimInvitation':
      return decideClaimInvitation(state, command);
  }
}

function decideCreateInbox(state: InboxState, command: CreateInbox): InboxEvent[] {
  const name = command.name.trim();
  if (name.length === 0 || name.length > INBOX_NAME_MAX_LENGTH || hasInvisibleCharacters(name)) {
    throw new DomainError('invalid', 'inbox.name_invalid', `The inbox name must have 1 to ${INBOX_NAME_MAX_LENGTH} visible characters.`, {
      value: command.name,
      fix: 'Send a non-empty "name" of at most 100 characters, without control or formatting characters.',
    });
  }
  if (!canCreateInbox(command.actor) || command.actor.organizationId !== command.organizationId) {
    throw new DomainError('forbidden', 'inbox.create_forbidden', 'Only organization owners can create inboxes.', {
      fix: 'Ask an owner of your organization to create the inbox.',
    });
  }

  if (state.exists) {
    if (state.organizationId === command.organizationId && state.name === name) {
      return [];
    }
    throw new DomainError('conflict', 'inbox.already_exists', `An inbox with id ${command.inboxId} already exists.`, {
      value: command.inboxId,
    });
  }

  return [event('inbox.inbox.created', { organizationId: command.organizationId, inboxId: command.inboxId, name })];
}

function decideInviteMember(state: InboxState, command: InviteMember): InboxEvent[] {
  assertInboxVisible(state, command.organizationId, command.inboxId);
  assertValidInvitation(command);

  const actorMember = findMemberByUserId(state, command.actor.userId);
  const actor = {
    organizationOwner: command.actor.organizationOwner && command.actor.organizationId === command.organizationId,
    tier: actorMember && actorMember.status === 'active' ? actorMember.tier : null,
  };
  if (!canUseInbox(actor)) {
    throw inboxNotFound(command.inboxId);
  }
  if (!canManageMember(actor, command.tier)) {
    throw new DomainError('forbidden', 'inbox.invite_forbidden', `Your tier in this inbox cannot invite someone as ${command.tier}.`, {
      value: command.tier,
      fix: 'Managers can invite members; ask an inbox owner or an organization owner for higher tiers.',
    });
  }

  const existing = findMemberByLoginName(state, command.loginName);
  if (existing) {
    if (existing.tier === command.tier && existing.role === command.role) {
      return [];
    }
    throw new DomainError('conflict', 'inbox.member_already_invited', `${preview(command.loginName.trim())} is already invited to this inbox as ${existing.tier}.`, {
      value: command.loginName,
      fix: 'Change the tier or role of the existing member instead of inviting again.',
    });
  }

  const invited = event('inbox.member.invited', {
    organizationId: command.organizationId,
    inboxId: command.inboxId,
    inboxName: state.name ?? '',
    memberId: command.memberId,
    loginName: normalizeLoginName(command.loginName),
    tier: command.tier,
    role: command.role,
  });
  if (!command.registeredUserId) {
    return [invited];
  }

  // Someone who already signed in needs no second first sign-in to claim a new invitation.
  const claimed = event('inbox.member.claimed', {
    organizationId: command.organizationId,
    inboxId: command.inboxId,
    memberId: command.memberId,
    userId: command.registeredUserId,
  });
  return [invited, claimed];
}

function decideClaimInvitation(state: InboxState, command: ClaimInvitation): InboxEvent[] {
  assertInboxVisible(state, command.organizationId, command.inboxId);

  const member = findMemberByLoginName(state, command.loginName);
  if (!member || member.userId === command.userId) {
    return [];
  }
  if (member.userId !== null) {
    throw new DomainError('conflict', 'inbox.invitation_already_claimed', 'This invitation was already claimed by another user.', {
      value: member.memberId,
    });
  }

  return [
    event('inbox.member.claimed', {
      organizationId: command.organizationId,
      inboxId: command.inboxId,
      memberId: member.memberId,
      userId: command.userId,
    }),
  ];
}

/** Rejects another organization's inbox with exactly the error of a missing one. */
function assertInboxVisible(state: InboxState, organizationId: string, inboxId: string): void {
  if (!state.exists || state.organizationId !== organizationId) {
    throw inboxNotFound(inboxId);
  }
}

function inboxNotFound(inboxId: string): DomainError {
  return new DomainError('not_found', 'inbox.not_found', `No inbox with id ${preview(inboxId)} exists in this organization.`, {
    value: inboxId,
    fix: 'List your inboxes to find the right id.',
  });
}

function assertValidInvitation(command: InviteMember): void {
  if (isGuestUpn(command.loginName)) {
    throw new DomainError('invalid', 'inbox.login_name_guest', 'Guest user principal names (containing #EXT#) cannot be login names.', {
      value: command.loginName,
      fix: "Invite the person with the user principal name of their home tenant.",
    });
  }
  if (!isValidLoginName(command.loginName)) {
    throw new DomainError('invalid', 'inbox.login_name_invalid', `"${preview(command.loginName)}" is not a valid login name.`, {
      value: command.loginName,
      fix: 'Use the person\'s Entra user principal name, for example jane.doe@contoso.example.',
    });
  }
  if (!isTier(command.tier)) {
    throw new DomainError('invalid', 'inbox.tier_invalid', `${JSON.stringify(command.tier)} is not a tier.`, {
      value: command.tier,
      fix: 'Use member, manager or owner.',
    });
  }
  if (ROLE_NAME_PATTERN.test(command.role) && !KNOWN_ROLES.includes(command.role)) {
    throw new DomainError('invalid', 'inbox.role_unknown', `The role "${command.role}" does not exist in this inbox.`, {
      value: command.role,
      fix: `Leave "role" out, or use one of: ${KNOWN_ROLES.join(', ')}.`,
    });
  }
  if (!ROLE_NAME_PATTERN.test(command.role)) {
    throw new DomainError('invalid', 'inbox.role_invalid', `"${preview(command.role)}" is not a valid role name.`, {
      value: command.role,
      fix: 'Use lower-case letters, digits, "-" or "_", at most 50 characters, or leave the role out for the default.',
    });
  }
}
