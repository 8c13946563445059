import { Inject, Injectable } from '@nestjs/common';
import { Connection } from 'mongoose';
import { SessionTokenVerifier } from '@team-access/auth';
import { DomainError, InboxSummary, RequestContext, Tier } from '@team-access/contracts';
import { CLOCK, Clock, MONGO_CONNECTION, SESSION_VERIFIER } from '@team-access/runtime';
import { INBOX_READ_MODELS } from './memberships.read-models';

interface MembershipDocument {
  _id: string;
  organizationId: string;
  inboxId: string;
  inboxName: string;
  tier: Tier;
  status: 'invited' | 'active' | 'disabled';
}

interface RegisteredUserDocument {
  _id: string;
  organizationId: string;
  loginName: string;
  userId: string;
}

interface InboxDocument {
  _id: string;
  organizationId: string;
  name: string;
}

/** Read side of inboxes. Every query is scoped by the organization of the verified session. */
@Injectable()
export class MembershipQueries {
  constructor(
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    @Inject(SESSION_VERIFIER) private readonly sessions: SessionTokenVerifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async listInboxesOfUser(context: RequestContext): Promise<InboxSummary[]> {
    const session = await this.sessions.verify(context.sessionToken, this.clock());
    if (!session.termsAccepted) {
      throw new DomainError('forbidden', 'terms.not_accepted', 'Accept the current terms and conditions before you continue.', {
        fix: 'POST /api/me/terms with the current terms version.',
      });
    }

    const memberships = await this.connection
      .collection<MembershipDocument>(INBOX_READ_MODELS.memberships)
      .find({ organizationId: session.organizationId, userId: session.userId, status: { $ne: 'disabled' } })
      .toArray();
    const summaries = new Map<string, InboxSummary>(
      memberships.map((membership) => [
        membership.inboxId,
        { organizationId: membership.organizationId, inboxId: membership.inboxId, name: membership.inboxName, tier: membership.tier, status: membership.status },
      ]),
    );

    if (session.organizationOwner) {
      // Organization owners act as owner in every inbox of their organization.
      const inboxes = await this.connection.collection<InboxDocument>(INBOX_READ_MODELS.inboxes).find({ organizationId: session.organizationId }).toArray();
      for (const inbox of inboxes) {
        summaries.set(inbox._id, { organizationId: inbox.organizationId, inboxId: inbox._id, name: inbox.name, tier: 'owner', status: 'active' });
      }
    }

    return [...summaries.values()].sort((left, right) => left.name.localeCompare(right.name));
  }

  /** Records that identity registered `userId` under `loginName`, so later invitations claim at once. */
  async recordRegisteredUser(organizationId: string, loginName: string, userId: string): Promise<void> {
    await this.connection
      .collection<RegisteredUserDocument>(INBOX_READ_MODELS.registeredUsers)
      .updateOne({ _id: `${organizationId}:${loginName}` }, { $set: { organizationId, loginName, userId } }, { upsert: true });
  }

  /**
   * Returns the user registered under `loginName`. The registered-users collection is fed from
   * identity's Kafka events, so a rebuild of this database loses it. A claimed membership is
   * rebuilt from the inbox's own events, so it still names the user then.
   */
  async registeredUserId(organizationId: string, loginName: string): Promise<string | null> {
    const registered = await this.connection.collection<RegisteredUserDocument>(INBOX_READ_MODELS.registeredUsers).findOne({ _id: `${organizationId}:${loginName}` });
    if (registered) {
      return registered.userId;
    }

    const claimed = await this.connection
      .collection<MembershipDocument & { loginName: string; userId: string | null }>(INBOX_READ_MODELS.memberships)
      .findOne({ organizationId, loginName, userId: { $ne: null } });
    return claimed?.userId ?? null;
  }

  /** Returns the inboxes with an unclaimed invitation of `loginName`, to claim them at first sign-in. */
  async inboxesInvitingLoginName(organizationId: string, loginName: string): Promise<string[]> {
    const memberships = await this.connection
      .collection<MembershipDocument>(INBOX_READ_MODELS.memberships)
      .find({ organizationId, loginName, userId: null })
      .project<{ inboxId: string }>({ inboxId: 1 })
      .toArray();
    return [...new Set(memberships.map((membership) => membership.inboxId))];
  }
}
