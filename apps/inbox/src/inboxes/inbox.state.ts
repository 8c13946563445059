import { InboxEvent, normalizeLoginName, Tier } from '@team-access/contracts';

export type MemberStatus = 'invited' | 'active' | 'disabled';

export interface MemberState {
  memberId: string;
  /** Normalized login name, or null once the person's data was erased. */
  loginName: string | null;
  tier: Tier;
  role: string;
  status: MemberStatus;
  userId: string | null;
}

/** The write model of one inbox: just what its decisions need. */
export interface InboxState {
  exists: boolean;
  organizationId: string | null;
  inboxId: string | null;
  name: string | null;
  members: Map<string, MemberState>;
}

export function initialInboxState(): InboxState {
  return { exists: false, organizationId: null, inboxId: null, name: null, members: new Map() };
}

/** Applies one event. Pure apart from copying the member map, which the caller owns. */
export function evolveInbox(state: InboxState, event: InboxEvent): InboxState {
  switch (event.type) {
    case 'inbox.inbox.created':
      return {
        ...state,
        exists: true,
        organizationId: event.data.organizationId,
        inboxId: event.data.inboxId,
        name: event.data.name,
      };

    case 'inbox.member.invited': {
      const members = new Map(state.members);
      members.set(event.data.memberId, {
        memberId: event.data.memberId,
        loginName: event.data.loginName === null ? null : normalizeLoginName(event.data.loginName),
        tier: event.data.tier,
        role: event.data.role,
        status: 'invited',
        userId: null,
      });
      return { ...state, members };
    }

    case 'inbox.member.claimed': {
      const member = state.members.get(event.data.memberId);
      if (!member) {
        return state;
      }
      const members = new Map(state.members);
      members.set(member.memberId, { ...member, userId: event.data.userId, status: 'active' });
      return { ...state, members };
    }
  }
}

export function findMemberByLoginName(state: InboxState, loginName: string): MemberState | undefined {
  const normalized = normalizeLoginName(loginName);
  for (const member of state.members.values()) {
    if (member.loginName === normalized) {
      return member;
    }
  }
  return undefined;
}

export function findMemberByUserId(state: InboxState, userId: string): MemberState | undefined {
  for (const member of state.members.values()) {
    if (member.userId === userId) {
      return member;
    }
  }
  return undefined;
}
