import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SessionTokenSigner, SessionTokenVerifier } from '@team-access/auth';
import { AcceptTermsRequest, DomainError, SignInResult } from '@team-access/contracts';
import { EventStore } from '@team-access/event-store';
import { CLOCK, Clock, EVENT_STORE, handleCommand, SESSION_VERIFIER } from '@team-access/runtime';
import { IDENTITY_SETTINGS, IdentitySettings, SESSION_SIGNER } from '../identity.tokens';
import { userStreamId } from '../users/user.decider';
import { UserRepository } from '../users/user.repository';

/** Records acceptance of the current terms, which the first sign-in by any method requires, and returns a full session. */
@Injectable()
export class TermsService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SESSION_VERIFIER) private readonly sessions: SessionTokenVerifier,
    @Inject(SESSION_SIGNER) private readonly signer: SessionTokenSigner,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
    private readonly users: UserRepository,
  ) {}

  async accept(request: AcceptTermsRequest): Promise<SignInResult> {
    const session = await this.sessions.verify(request.context.sessionToken, this.clock());
    if (typeof request.termsVersion !== 'string' || request.termsVersion.length === 0) {
      throw new DomainError('invalid', 'terms.version_missing', 'The terms version is missing.', {
        fix: `Send "termsVersion": "${this.settings.currentTermsVersion}".`,
      });
    }

    await handleCommand(
      this.store,
      userStreamId(session.userId),
      this.users.decider,
      this.users.codec,
      {
        type: 'AcceptTerms',
        organizationId: session.organizationId,
        userId: session.userId,
        termsVersion: request.termsVersion,
        currentTermsVersion: this.settings.currentTermsVersion,
      },
      { organizationId: session.organizationId, correlationId: request.context.correlationId, actor: { kind: 'user', userId: session.userId }, now: this.clock },
    );

    const sessionToken = await this.signer.sign({ ...session, sessionId: randomUUID(), termsAccepted: true }, this.clock());
    return { userId: session.userId, sessionToken, termsAccepted: true, currentTermsVersion: this.settings.currentTermsVersion };
  }
}
