import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SessionClaims, SessionTokenVerifier } from '@team-access/auth';
import { CreateInboxResult, DomainError, InboxEvent, InviteMemberResult, isTier, isValidLoginName, normalizeLoginName, preview, RequestContext } from '@team-access/contracts';
import { MembershipQueries } from '../memberships/memberships.queries';
import { EventStore } from '@team-access/event-store';
import { AggregateCache, CLOCK, Clock, CommandContext, Decider, EVENT_STORE, handleCommand, PERSONAL_DATA_VAULT, PersonalDataSealer, SESSION_VERIFIER } from '@team-access/runtime';
import { CommandActor, decideInbox, DEFAULT_ROLE, InboxCommand } from './inbox.decider';
import { inboxCodec } from './inbox.codec';
import { evolveInbox, findMemberByLoginName, initialInboxState, InboxState } from './inbox.state';

const inboxDecider: Decider<InboxState, InboxCommand, InboxEvent> = {
  initialState: initialInboxState,
  evolve: evolveInbox,
  decide: decideInbox,
};

export function inboxStreamId(inboxId: string): string {
  return `inbox-${inboxId}`;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Write side of inboxes: verifies the caller, then runs the decider through the command loop. */
@Injectable()
export class InboxCommands {
  private readonly codec;
  private readonly cache = new AggregateCache<InboxState>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA_VAULT) vault: PersonalDataSealer,
    @Inject(SESSION_VERIFIER) private readonly sessions: SessionTokenVerifier,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly queries: MembershipQueries,
  ) {
    this.codec = inboxCodec(vault);
  }

  async createInbox(context: RequestContext, organizationId: string, name: unknown): Promise<CreateInboxResult & { lastPosition: number | null }> {
    const session = await this.authenticate(context, organizationId);
    if (typeof name !== 'string') {
      throw new DomainError('invalid', 'inbox.name_invalid', 'The inbox name is missing or not a string.', { value: name ?? null, fix: 'Send a "name" string.' });
    }

    const inboxId = randomUUID();
    const outcome = await this.run(inboxId, { type: 'CreateInbox', organizationId, inboxId, name, actor: actorOf(session) }, context, session);
    return { inboxId, created: outcome.events.length > 0, lastPosition: outcome.lastPosition };
  }

  async inviteMember(
    context: RequestContext,
    request: { organizationId: string; inboxId: string; loginName: unknown; tier: unknown; role?: unknown },
  ): Promise<InviteMemberResult & { lastPosition: number | null }> {
    const session = await this.authenticate(context, request.organizationId);
    const { loginName, tier, role } = parseInvitation(request);
    if (!UUID_PATTERN.test(request.inboxId)) {
      throw new DomainError('not_found', 'inbox.not_found', `No inbox with id ${preview(request.inboxId)} exists in this organization.`, {
        value: request.inboxId,
        fix: 'List your inboxes to find the right id.',
      });
    }

    const command: InboxCommand = {
      type: 'InviteMember',
      organizationId: request.organizationId,
      inboxId: request.inboxId,
      memberId: randomUUID(),
      loginName,
      tier,
      role,
      actor: actorOf(session),
      registeredUserId: isValidLoginName(loginName) ? await this.queries.registeredUserId(request.organizationId, normalizeLoginName(loginName)) : null,
    };
    const outcome = await this.run(request.inboxId, command, context, session);

    const member = findMemberByLoginName(outcome.state, loginName);
    if (!member) {
      throw new Error(`Invitation of member ${command.memberId} is missing from inbox ${request.inboxId} after the append.`);
    }
    return { memberId: member.memberId, created: outcome.events.length > 0, status: member.status, lastPosition: outcome.lastPosition };
  }

  /** Binds every invitation of `loginName` in one inbox to the user who signed in with it. */
  async claimInvitation(organizationId: string, inboxId: string, loginName: string, userId: string, correlationId: string): Promise<void> {
    const context: CommandContext = {
      organizationId,
      correlationId,
      actor: { kind: 'user', userId },
      now: this.clock,
    };
    await handleCommand(
      this.store,
      inboxStreamId(inboxId),
      inboxDecider,
      this.codec,
      { type: 'ClaimInvitation', organizationId, inboxId, loginName: normalizeLoginName(loginName), userId },
      context,
      this.cache,
    );
  }

  private async run(inboxId: string, command: InboxCommand, request: RequestContext, session: SessionClaims) {
    const context: CommandContext = {
      organizationId: session.organizationId,
      correlationId: request.correlationId,
      actor: { kind: 'user', userId: session.userId },
      now: this.clock,
    };
    return handleCommand(this.store, inboxStreamId(inboxId), inboxDecider, this.codec, command, context, this.cache);
  }

  /** Rejects a session of another organization with the same error as a missing inbox. */
  private async authenticate(context: RequestContext, organizationId: string): Promise<SessionClaims> {
    const session = await this.sessions.verify(context.sessionToken, this.clock());
    if (!session.termsAccepted) {
      throw new DomainError('forbidden', 'terms.not_accepted', 'Accept the current terms and conditions before you continue.', {
        fix: 'POST /api/me/terms with the current terms version.',
      });
    }
    if (session.organizationId !== organizationId) {
      throw new DomainError('not_found', 'organization.not_found', `No organization with id ${preview(organizationId)} is visible to you.`, {
        value: organizationId,
        fix: 'Use the organization id from GET /api/me.',
      });
    }
    return session;
  }
}

function actorOf(session: SessionClaims): CommandActor {
  return { userId: session.userId, organizationId: session.organizationId, organizationOwner: session.organizationOwner };
}

function parseInvitation(request: { loginName: unknown; tier: unknown; role?: unknown }): { loginName: string; tier: 'member' | 'manager' | 'owner'; role: string } {
  if (typeof request.loginName !== 'string') {
    const missing = request.loginName === undefined || request.loginName === null;
    throw new DomainError('invalid', 'inbox.login_name_invalid', missing ? 'The login name is missing.' : 'The login name must be a string.', {
      value: request.loginName ?? null,
      fix: 'Send "loginName" as a string with the person\'s Entra user principal name.',
    });
  }
  const tier = request.tier ?? 'member';
  if (!isTier(tier)) {
    throw new DomainError('invalid', 'inbox.tier_invalid', `${JSON.stringify(tier)} is not a tier.`, { value: tier, fix: 'Use member, manager or owner.' });
  }
  const role = request.role ?? DEFAULT_ROLE;
  if (typeof role !== 'string') {
    throw new DomainError('invalid', 'inbox.role_invalid', 'The role must be a string.', { value: role, fix: 'Leave "role" out for the default role.' });
  }
  return { loginName: request.loginName, tier, role };
}
