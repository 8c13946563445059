import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Connection } from 'mongoose';
import { Logger } from 'pino';
import { SessionTokenSigner } from '@team-access/auth';
import { DomainError, event, IdentityEvent, MicrosoftSignInRequest, normalizeLoginName, SignInResult } from '@team-access/contracts';
import { EventStore, WrongExpectedRevisionError } from '@team-access/event-store';
import { CLOCK, Clock, EVENT_STORE, handleCommand, MONGO_CONNECTION } from '@team-access/runtime';
import { DIRECTORY_READ_MODELS, DirectoryDocument, TenantDocument } from '../directory/directory.read-models';
import { IDENTITY_LOGGER, IDENTITY_SETTINGS, IdentitySettings, SESSION_SIGNER } from '../identity.tokens';
import { UserRepository } from '../users/user.repository';
import { entraIdentityStreamId, userStreamId } from '../users/user.decider';
import { decideMicrosoftSignIn, DirectoryEntry, LinkedUser } from './sign-in.decision';

const TENANT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ATTEMPTS = 3;

/**
 * Completes a Microsoft sign-in after the gateway validated the ID token: resolves the user by
 * (tid, oid), or claims an invitation by UPN and binds the new user to (tid, oid), then issues
 * a session token.
 */
@Injectable()
export class MicrosoftSignInService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MONGO_CONNECTION) private readonly connection: Connection,
    @Inject(SESSION_SIGNER) private readonly signer: SessionTokenSigner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    @Inject(IDENTITY_LOGGER) private readonly logger: Logger,
    private readonly users: UserRepository,
  ) {}

  async complete(request: MicrosoftSignInRequest): Promise<SignInResult> {
    assertIdentityShape(request);

    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(request);
      } catch (error: unknown) {
        // Two first sign-ins of one person raced to bind (tid, oid); the loser re-reads and finds the winner.
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  private async attempt(request: MicrosoftSignInRequest): Promise<SignInResult> {
    const tenantId = request.tenantId.toLowerCase();
    const linkedUser = await this.findLinkedUser(tenantId, request.objectId);
    const connectedOrganizationIds = await this.connectedOrganizations(tenantId);
    const loginNames = [normalizeLoginName(request.userPrincipalName), ...(linkedUser ? [linkedUser.loginName] : [])];
    const directory = await this.directoryEntries(connectedOrganizationIds, loginNames);

    const decision = decideMicrosoftSignIn({
      tenantId,
      userPrincipalName: request.userPrincipalName,
      connectedOrganizationIds,
      linkedUser,
      directory,
    });

    const userId = decision.outcome === 'existing_user' ? decision.userId : await this.register(request, tenantId, decision.organizationId, decision.loginName);
    const user = await this.users.load(userId);
    const termsAccepted = user.state.acceptedTermsVersion === this.settings.currentTermsVersion;

    const sessionToken = await this.signer.sign(
      {
        userId,
        sessionId: randomUUID(),
        organizationId: decision.organizationId,
        loginName: decision.loginName,
        organizationOwner: decision.organizationOwner,
        permissions: [],
        termsAccepted,
      },
      this.clock(),
    );
    this.logger.info({ userId, organizationId: decision.organizationId, outcome: decision.outcome }, 'Microsoft sign-in completed');
    return { userId, sessionToken, termsAccepted, currentTermsVersion: this.settings.currentTermsVersion };
  }

  private async findLinkedUser(tenantId: string, objectId: string): Promise<LinkedUser | null> {
    const [link] = await this.store.readStream(entraIdentityStreamId(tenantId, objectId));
    if (!link || link.type !== 'identity.user.external_identity_linked') {
      return null;
    }
    const { userId, organizationId } = link.data as { userId: string; organizationId: string };
    const user = await this.users.load(userId);
    return { userId, organizationId, loginName: user.state.loginName ?? '' };
  }

  private async connectedOrganizations(tenantId: string): Promise<string[]> {
    const tenants = await this.connection
      .collection<TenantDocument>(DIRECTORY_READ_MODELS.tenants)
      .find({ tenantId, connected: true })
      .toArray();
    return tenants.map((tenant) => tenant.organizationId);
  }

  private async directoryEntries(organizationIds: string[], loginNames: string[]): Promise<DirectoryEntry[]> {
    if (organizationIds.length === 0) {
      return [];
    }
    const documents = await this.connection
      .collection<DirectoryDocument>(DIRECTORY_READ_MODELS.entries)
      .find({ organizationId: { $in: organizationIds }, loginName: { $in: [...new Set(loginNames)] } })
      .toArray();
    return documents
      .filter((document): document is DirectoryDocument & { loginName: string } => document.loginName !== null)
      .map((document) => ({ organizationId: document.organizationId, loginName: document.loginName, kind: document.kind, status: document.status }));
  }

  /**
   * Binds (tid, oid) first, through an index stream that must not exist yet, so two racing first
   * sign-ins cannot create two users. Then records the user itself.
   */
  private async register(request: MicrosoftSignInRequest, tenantId: string, organizationId: string, loginName: string): Promise<string> {
    const userId = randomUUID();
    const context = { organizationId, correlationId: request.context.correlationId, actor: { kind: 'user' as const, userId }, now: this.clock };
    const linked: IdentityEvent = event('identity.user.external_identity_linked', {
      organizationId,
      userId,
      provider: 'entra',
      tenantId,
      objectId: request.objectId.toLowerCase(),
    });

    await this.store.append(entraIdentityStreamId(tenantId, request.objectId), [this.users.toNewEvent(linked, context)], 'no_stream');
    await handleCommand(this.store, userStreamId(userId), this.users.decider, this.users.codec, { type: 'RegisterUser', organizationId, userId, loginName }, context);
    return userId;
  }
}

function assertIdentityShape(request: MicrosoftSignInRequest): void {
  if (!TENANT_ID_PATTERN.test(request.tenantId) || typeof request.objectId !== 'string' || request.objectId.length === 0) {
    throw new DomainError('invalid', 'sign_in.identity_invalid', 'The Microsoft identity lacks a tenant id or object id.', {
      value: { tenantId: request.tenantId, objectId: request.objectId },
    });
  }
  if (typeof request.userPrincipalName !== 'string' || request.userPrincipalName.trim().length === 0) {
    throw new DomainError('invalid', 'sign_in.upn_missing', 'The Microsoft ID token carries no user principal name.', {
      fix: 'Ask your administrator to include preferred_username or upn in the ID token.',
    });
  }
}
