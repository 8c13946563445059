import { randomBytes, timingSafeEqual } from 'node:crypto';
import { CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Request, Response } from 'express';
import { SessionClaims, SessionTokenVerifier } from '@team-access/auth';
import { DomainError } from '@team-access/contracts';
import { CLOCK, Clock, SESSION_VERIFIER } from '@team-access/runtime';

export const SESSION_COOKIE = 'ta_session';
export const CSRF_COOKIE = 'ta_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthenticatedRequest extends Request {
  sessionClaims?: SessionClaims;
  sessionToken?: string;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Sets the session cookie and a fresh CSRF token readable by the web client. */
export function startBrowserSession(response: Response, sessionToken: string, lifetimeSeconds: number, secure: boolean): void {
  response.cookie(SESSION_COOKIE, sessionToken, { httpOnly: true, secure, sameSite: 'lax', path: '/', maxAge: lifetimeSeconds * 1000 });
  response.cookie(CSRF_COOKIE, randomBytes(24).toString('base64url'), { httpOnly: false, secure, sameSite: 'strict', path: '/', maxAge: lifetimeSeconds * 1000 });
}

/**
 * Requires a valid session, from the `ta_session` cookie or an `Authorization: Bearer` header.
 * Cookie sessions must echo the CSRF cookie in the `x-csrf-token` header on unsafe methods
 * (double-submit), because browsers attach cookies to cross-site form posts; bearer tokens are
 * never attached by browsers and need no such check.
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    @Inject(SESSION_VERIFIER) private readonly verifier: SessionTokenVerifier,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const cookie: unknown = request.cookies?.[SESSION_COOKIE];
    const token = bearer ?? (typeof cookie === 'string' ? cookie : undefined);

    request.sessionClaims = await this.verifier.verify(token, this.clock());
    request.sessionToken = token;

    if (!bearer && UNSAFE_METHODS.has(request.method)) {
      assertCsrfToken(request);
    }
    return true;
  }
}

function assertCsrfToken(request: Request): void {
  const cookie: unknown = request.cookies?.[CSRF_COOKIE];
  const header = request.headers[CSRF_HEADER];
  const valid =
    typeof cookie === 'string' &&
    typeof header === 'string' &&
    cookie.length === header.length &&
    timingSafeEqual(Buffer.from(cookie), Buffer.from(header));
  if (!valid) {
    throw new DomainError('forbidden', 'csrf.token_invalid', 'The CSRF token is missing or does not match.', {
      fix: `Send the value of the ${CSRF_COOKIE} cookie in the ${CSRF_HEADER} header.`,
    });
  }
}

/** The verified session of the current request; only valid behind SessionGuard. */
export const Session = createParamDecorator((_data: unknown, context: ExecutionContext): { claims: SessionClaims; token: string } => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.sessionClaims || !request.sessionToken) {
    throw new DomainError('unauthenticated', 'session.missing', 'This request needs a session. Sign in first.');
  }
  return { claims: request.sessionClaims, token: request.sessionToken };
});
