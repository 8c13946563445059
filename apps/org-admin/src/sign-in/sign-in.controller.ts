import { Controller, Get, Inject, Next, Query, Req, Res } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { Logger } from 'pino';
import { DomainError, SignInResult } from '@team-access/contracts';
import { ENTRA_STATE_STORE, GATEWAY_LOGGER } from '../gateway.tokens';
import { EncryptedCookieStateStore } from './entra-state.store';
import { BrowserSessions } from '../http/session';
import { homePage, signInFailedPage, signInPage, termsPage } from './sign-in.pages';

const TERMS_VERSION_PATTERN = /^[A-Za-z0-9._-]{1,40}$/;

/** Result of the strategy's verify step: a finished sign-in, or the reason it was refused. */
export interface SignInOutcome {
  result?: SignInResult;
  refusal?: { status: number; code: string; message: string; fix?: string };
}

/** Entra's refusal codes that come back to the callback, in words a person can act on. */
const ENTRA_REFUSALS: Array<{ pattern: RegExp; code: string; message: string; fix: string }> = [
  {
    pattern: /AADSTS50105/,
    code: 'sign_in.entra_user_not_assigned',
    message: 'Microsoft did not let you sign in: your account is not assigned to this application in your organization.',
    fix: 'Ask your Microsoft Entra administrator to assign you to the application.',
  },
  {
    pattern: /AADSTS65004/,
    code: 'sign_in.entra_cancelled',
    message: 'The Microsoft sign-in was cancelled.',
    fix: 'Start again and accept the sign-in at Microsoft.',
  },
  {
    pattern: /AADSTS65001|consent_required/,
    code: 'sign_in.entra_consent_missing',
    message: 'Your organization has not granted this application the consent it needs.',
    fix: 'Ask your Microsoft Entra administrator to grant admin consent for the application.',
  },
];

@Controller()
export class SignInController {
  constructor(
    private readonly sessions: BrowserSessions,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(ENTRA_STATE_STORE) private readonly stateStore: EncryptedCookieStateStore,
  ) {}

  @Get('signin')
  signIn(@Res() response: Response): void {
    response.type('html').send(signInPage());
  }

  @Get('terms')
  terms(@Query('version') version: unknown, @Res() response: Response): void {
    if (typeof version !== 'string' || !TERMS_VERSION_PATTERN.test(version)) {
      response.redirect(303, '/');
      return;
    }
    response.type('html').send(termsPage(version));
  }

  /** Renders the landing page after sign-in: who is signed in and their inboxes, read from the JSON API. */
  @Get()
  home(@Res() response: Response): void {
    response.type('html').send(homePage());
  }

  /** Redirects to Microsoft with state, nonce and a PKCE challenge. */
  @Get('auth/microsoft')
  start(@Req() request: Request, @Res() response: Response, @Next() next: NextFunction): void {
    passport.authenticate('entra', { session: false })(request, response, next);
  }

  @Get('auth/microsoft/callback')
  async callback(@Req() request: Request, @Res() response: Response, @Next() next: NextFunction): Promise<void> {
    if (!(await this.isCallbackOfThisBrowser(request))) {
      this.refuse(request, response, 400, 'sign_in.request_invalid', 'The sign-in response does not belong to a sign-in started in this browser.', 'Start the sign-in again from this site.');
      return;
    }

    const finish = (error: Error | null, outcome: SignInOutcome | false, info?: { message?: string; code?: string }) => {
      if (error) {
        this.failWithError(request, response, error);
        return;
      }
      if (outcome && outcome.result) {
        this.succeed(request, response, outcome.result);
        return;
      }
      if (outcome && outcome.refusal) {
        const { status, code, message, fix } = outcome.refusal;
        this.refuse(request, response, status, code, message, fix);
        return;
      }
      this.refuseFromEntra(request, response, info);
    };

    passport.authenticate('entra', { session: false }, finish)(request, response, next);
  }

  /**
   * Checks that the callback carries a code or an error, and that its `state` matches the state
   * cookie of this browser. passport-openidconnect checks state only for codes, so without this
   * anyone could show a user a forged refusal through a crafted `error` link.
   */
  private async isCallbackOfThisBrowser(request: Request): Promise<boolean> {
    const { code, error, state } = request.query;
    if (typeof code !== 'string' && typeof error !== 'string') {
      return false;
    }
    const pending = await this.stateStore.open(request);
    return pending !== null && typeof state === 'string' && pending.handle === state;
  }

  /** Maps the errors the library raises for Entra's responses, as opposed to failures on our side. */
  private failWithError(request: Request, response: Response, error: Error & { code?: string }): void {
    if (error.name === 'TokenError' && error.code === 'invalid_grant') {
      this.refuse(request, response, 400, 'sign_in.code_invalid', 'The sign-in code was already used or has expired.', 'Start the sign-in again.');
      return;
    }
    if (error.name === 'AuthorizationError') {
      this.refuseFromEntra(request, response, { message: `${error.code ?? ''} ${error.message}` });
      return;
    }
    this.logger.error({ err: error }, 'Microsoft sign-in failed');
    this.refuse(request, response, 502, 'sign_in.failed', 'The Microsoft sign-in could not be completed.', 'Start again; if it keeps failing, contact support.');
  }

  private succeed(request: Request, response: Response, result: SignInResult): void {
    this.sessions.start(response, result.sessionToken);
    const next = result.termsAccepted ? '/' : `/terms?version=${encodeURIComponent(result.currentTermsVersion)}`;

    if (wantsJson(request)) {
      response.status(200).json({ signedIn: true, userId: result.userId, termsAccepted: result.termsAccepted, next, sessionToken: result.sessionToken });
      return;
    }
    response.redirect(303, next);
  }

  private refuseFromEntra(request: Request, response: Response, info?: { message?: string; code?: string }): void {
    const description = info?.message ?? '';
    const known = ENTRA_REFUSALS.find((refusal) => refusal.pattern.test(description));
    if (known) {
      this.refuse(request, response, 403, known.code, known.message, known.fix);
      return;
    }
    if (info?.code === 'sign_in.id_token_invalid') {
      this.refuse(request, response, 401, 'sign_in.id_token_invalid', 'Microsoft returned an ID token that failed validation.', 'Start again.');
      return;
    }
    this.refuse(request, response, 400, 'sign_in.request_invalid', description || 'The sign-in response could not be verified.', 'Start the sign-in again from this site.');
  }

  private refuse(request: Request, response: Response, status: number, code: string, message: string, fix?: string): void {
    this.logger.info({ errorCode: code }, 'Microsoft sign-in rejected');
    if (wantsJson(request)) {
      response.status(status).json({ error: { code, message, fix } });
      return;
    }
    response.status(status).type('html').send(signInFailedPage(code, message, fix));
  }
}

function wantsJson(request: Request): boolean {
  return (request.headers.accept ?? '').includes('application/json');
}

/** Turns an identity rejection into a refusal for the sign-in page. */
export function refusalOf(error: DomainError): SignInOutcome {
  let status = 403;
  if (error.kind === 'invalid') {
    status = 400;
  } else if (error.kind === 'unavailable') {
    status = 503;
  }
  return { refusal: { status, code: error.code, message: error.message, fix: error.details.fix } };
}
