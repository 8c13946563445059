import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { SessionClaims, SessionTokenVerifier } from '@team-access/auth';
import { DomainError } from '@team-access/contracts';
import { CLOCK, Clock, SESSION_VERIFIER } from '@team-access/runtime';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.tokens';

export const SESSION_COOKIE = 'ta_session';
export const CSRF_COOKIE = 'ta_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthenticatedRequest extends Request {
  sessionClaims?: SessionClaims;
  sessionToken?: string;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Session cookies and their CSRF tokens. The CSRF token is an HMAC of the session token, so it
 * is valid only with the session it was issued for: a cookie planted by another site cannot
 * pass, unlike a plain double-submit value.
 */
@Injectable()
export class BrowserSessions {
  private readonly key: Buffer;

  constructor(@Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings) {
    this.key = createHash('sha256').update(`csrf:${settings.entra.stateSecret}`).digest();
  }

  /** Sets the HttpOnly session cookie and the CSRF cookie that the web client echoes in a header. */
  start(response: Response, sessionToken: string): void {
    const { sessionLifetimeSeconds, secureCookies } = this.settings;
    response.cookie(SESSION_COOKIE, sessionToken, { httpOnly: true, secure: secureCookies, sameSite: 'lax', path: '/', maxAge: sessionLifetimeSeconds * 1000 });
    response.cookie(CSRF_COOKIE, this.csrfToken(sessionToken), { httpOnly: false, secure: secureCookies, sameSite: 'strict', path: '/', maxAge: sessionLifetimeSeconds * 1000 });
  }

  assertCsrfToken(request: Request, sessionToken: string): void {
    const header = request.headers[CSRF_HEADER];
    const expected = Buffer.from(this.csrfToken(sessionToken));
    const valid = typeof header === 'string' && header.length === expected.length && timingSafeEqual(Buffer.from(header), expected);
    if (!valid) {
      throw new DomainError('forbidden', 'csrf.token_invalid', 'The CSRF token is missing or does not match the session.', {
        fix: `Send the value of the ${CSRF_COOKIE} cookie in the ${CSRF_HEADER} header.`,
      });
    }
  }

  private csrfToken(sessionToken: string): string {
    return createHmac('sha256', this.key).update(sessionToken).digest('base64url');
  }
}

/**
 * Requires a valid session, from the `ta_session` cookie or an `Authorization: Bearer` header.
 * Cookie sessions must send the CSRF token in the `x-csrf-token` header on unsafe methods,
 * because browsers attach cookies to cross-site requests. Browsers never attach bearer tokens
 * by themselves, so those need no CSRF token.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    @Inject(SESSION_VERIFIER) private readonly verifier: SessionTokenVerifier,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sessions: BrowserSessions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const cookie: unknown = request.cookies?.[SESSION_COOKIE];
    const token = bearer ?? (typeof cookie === 'string' ? cookie : undefined);

    request.sessionClaims = await this.verifier.verify(token, this.clock());
    request.sessionToken = token;

    if (!bearer && token && UNSAFE_METHODS.has(request.method)) {
      this.sessions.assertCsrfToken(request, token);
    }
    return true;
  }
}

/** Injects the verified session of the current request; valid only behind SessionGuard. */
export const Session = createParamDecorator((_data: unknown, context: ExecutionContext): { claims: SessionClaims; token: string } => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.sessionClaims || !request.sessionToken) {
    throw new DomainError('unauthenticated', 'session.missing', 'This request needs a session.', { fix: 'Sign in at /signin.' });
  }
  return { claims: request.sessionClaims, token: request.sessionToken };
});
