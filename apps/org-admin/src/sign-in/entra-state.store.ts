import { createHash, randomBytes } from 'node:crypto';
import { Request } from 'express';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { StateStore } from 'passport-openidconnect';

/** State of one sign-in attempt, kept between the redirect to Entra and the callback. */
export interface PendingSignIn {
  handle: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export const STATE_COOKIE = 'ta_oidc_state';
const STATE_LIFETIME_SECONDS = 600;

/**
 * Keeps state, nonce and the PKCE verifier in an encrypted, HttpOnly cookie instead of a server
 * session, so any gateway instance can finish a sign-in that another one started. The cookie is
 * bound to the browser that started the flow, which is what defeats login CSRF.
 */
export class EncryptedCookieStateStore implements StateStore {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly secureCookies: boolean,
    private readonly now: () => Date,
  ) {
    this.key = createHash('sha256').update(`oidc-state:${secret}`).digest();
  }

  static newCodeVerifier(): string {
    return randomBytes(32).toString('base64url');
  }

  static codeChallenge(verifier: string): string {
    return createHash('sha256').update(verifier).digest('base64url');
  }

  store(req: Request, ctx: Record<string, unknown>, appState: unknown, _meta: unknown, callback: (error: Error | null, handle?: string) => void): void {
    const pending = appState as { codeVerifier?: string; returnTo?: string } | undefined;
    if (typeof ctx.nonce !== 'string' || !pending?.codeVerifier) {
      callback(new Error('Sign-in could not start: the nonce or the PKCE verifier is missing.'));
      return;
    }

    const state: PendingSignIn = {
      handle: randomBytes(24).toString('base64url'),
      nonce: ctx.nonce,
      codeVerifier: pending.codeVerifier,
      returnTo: pending.returnTo ?? '/',
    };
    this.seal(state)
      .then((sealed) => {
        req.res?.cookie(STATE_COOKIE, sealed, {
          httpOnly: true,
          secure: this.secureCookies,
          sameSite: 'lax',
          maxAge: STATE_LIFETIME_SECONDS * 1000,
          path: '/auth/microsoft',
        });
        callback(null, state.handle);
      })
      .catch((error: Error) => callback(error));
  }

  verify(req: Request, handle: string, callback: (error: Error | null, ctx?: Record<string, unknown> | false, appState?: unknown) => void): void {
    this.open(req)
      .then((state) => {
        req.res?.clearCookie(STATE_COOKIE, { path: '/auth/microsoft' });
        if (!state || state.handle !== handle) {
          callback(null, false, { message: 'The sign-in request expired or was started in another browser. Start again.' });
          return;
        }
        callback(null, { nonce: state.nonce }, { returnTo: state.returnTo });
      })
      .catch((error: Error) => callback(error));
  }

  /** Reads the pending sign-in from the request's cookie; null when absent, expired or forged. */
  async open(req: Request): Promise<PendingSignIn | null> {
    const sealed: unknown = req.cookies?.[STATE_COOKIE];
    if (typeof sealed !== 'string') {
      return null;
    }
    try {
      const { payload } = await jwtDecrypt(sealed, this.key, { currentDate: this.now() });
      return payload.pending as PendingSignIn;
    } catch {
      return null;
    }
  }

  private async seal(state: PendingSignIn): Promise<string> {
    const issuedAt = Math.floor(this.now().getTime() / 1000);
    return new EncryptJWT({ pending: state })
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + STATE_LIFETIME_SECONDS)
      .encrypt(this.key);
  }
}
