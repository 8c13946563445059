import { Request } from 'express';
import { createRemoteJWKSet, JWTPayload, jwtVerify } from 'jose';
import { OAuth2Client, Strategy as OpenIdConnectStrategy } from 'passport-openidconnect';
import { EncryptedCookieStateStore } from './entra-state.store';

export interface EntraStrategyOptions {
  /** `https://login.microsoftonline.com` for real Entra, or the local stand-in's base URL. */
  authorityHost: string;
  clientId: string;
  clientSecret: string;
  callbackUrl: string;
  stateStore: EncryptedCookieStateStore;
  now: () => Date;
}

/** The claims of a validated Entra ID token that sign-in uses. */
export interface EntraIdentity {
  tenantId: string;
  objectId: string;
  userPrincipalName: string;
  email?: string;
  displayName?: string;
}

export type EntraVerify = (req: Request, identity: EntraIdentity, done: (error: Error | null, user?: unknown, info?: unknown) => void) => void;

const TENANT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLOCK_TOLERANCE_SECONDS = 120;

/**
 * "Sign in with Microsoft" through the multi-tenant `organizations` authority, on top of
 * passport-openidconnect. That library handles state and nonce but neither PKCE nor token
 * signatures, and it expects one fixed issuer, while Entra issues per-tenant issuers
 * (`{authority}/{tid}/v2.0`). This subclass therefore, per request:
 * - adds an S256 code challenge and sends the matching verifier with the code exchange;
 * - verifies the ID token's signature, audience, expiry and not-before (2 minutes of skew)
 *   against Entra's published keys, checks that `iss` is the issuer of the token's own `tid`,
 *   and only then lets the library run its own checks with that issuer.
 */
export class EntraStrategy extends OpenIdConnectStrategy {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly options: EntraStrategyOptions,
    verify: EntraVerify,
  ) {
    const authority = `${options.authorityHost.replace(/\/$/, '')}/organizations`;
    super(
      {
        issuer: `${options.authorityHost.replace(/\/$/, '')}/{tenantid}/v2.0`,
        authorizationURL: `${authority}/oauth2/v2.0/authorize`,
        tokenURL: `${authority}/oauth2/v2.0/token`,
        clientID: options.clientId,
        clientSecret: options.clientSecret,
        callbackURL: options.callbackUrl,
        scope: ['profile', 'email'],
        nonce: true,
        store: options.stateStore,
        skipUserProfile: true,
        passReqToCallback: true,
      },
      (req: Request, _issuer: string, _profile: unknown, _context: unknown, _idToken: unknown, done: (error: Error | null, user?: unknown, info?: unknown) => void) => {
        const identity = (req as Request & { entraIdentity?: EntraIdentity }).entraIdentity;
        if (!identity) {
          done(new Error('The ID token was not validated before the verify callback ran.'));
          return;
        }
        verify(req, identity, done);
      },
    );
    this.name = 'entra';
    this.jwks = createRemoteJWKSet(new URL(`${authority}/discovery/v2.0/keys`));
  }

  override authorizationParams(options: Record<string, unknown>): Record<string, string> {
    const pending = options.state as { codeVerifier?: string } | undefined;
    if (!pending?.codeVerifier) {
      return {};
    }
    return { code_challenge: EncryptedCookieStateStore.codeChallenge(pending.codeVerifier), code_challenge_method: 'S256' };
  }

  /** Passport calls this on a per-request copy of the strategy, so per-request fields are safe. */
  override authenticate(req: Request, options: Record<string, unknown> = {}): void {
    if (typeof req.query?.code !== 'string') {
      const codeVerifier = EncryptedCookieStateStore.newCodeVerifier();
      super.authenticate(req, { ...options, state: { ...(options.state as object | undefined), codeVerifier } });
      return;
    }

    this.options.stateStore
      .open(req)
      .then((pending) => {
        this.interceptCodeExchange(req, pending?.codeVerifier);
        super.authenticate(req, options);
      })
      .catch((error: Error) => this.error(error));
  }

  private interceptCodeExchange(req: Request, codeVerifier: string | undefined): void {
    const client = this._oauth2;
    const validate = (results: Record<string, unknown>) => this.validateIdToken(results.id_token);

    // A per-request copy that keeps the client's other fields (the library reads `_clientId`).
    const perRequestClient: OAuth2Client = Object.create(client) as OAuth2Client;
    this._oauth2 = perRequestClient;
    perRequestClient.getOAuthAccessToken = (code, params, callback) => {
        const exchangeParams = codeVerifier ? { ...params, code_verifier: codeVerifier } : params;
        client.getOAuthAccessToken(code, exchangeParams, (error, accessToken, refreshToken, results) => {
          if (error || !results) {
            callback(error, accessToken, refreshToken, results);
            return;
          }
          validate(results)
            .then(({ issuer, identity }) => {
              this._issuer = issuer;
              (req as Request & { entraIdentity?: EntraIdentity }).entraIdentity = identity;
              callback(null, accessToken, refreshToken, results);
            })
            .catch((validationError: Error) => this.fail({ message: validationError.message, code: 'sign_in.id_token_invalid' }, 401));
        });
    };
  }

  private async validateIdToken(idToken: unknown): Promise<{ issuer: string; identity: EntraIdentity }> {
    if (typeof idToken !== 'string') {
      throw new Error('The token response has no ID token.');
    }

    const { payload } = await jwtVerify(idToken, this.jwks, {
      audience: this.options.clientId,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: this.options.now(),
      requiredClaims: ['iss', 'aud', 'exp', 'tid', 'oid'],
    });

    const tenantId = String(payload.tid);
    if (!TENANT_ID_PATTERN.test(tenantId)) {
      throw new Error(`The ID token's tenant id ${JSON.stringify(payload.tid)} is not a GUID.`);
    }
    const issuer = `${this.options.authorityHost.replace(/\/$/, '')}/${tenantId}/v2.0`;
    if (payload.iss !== issuer) {
      throw new Error(`The ID token's issuer ${JSON.stringify(payload.iss)} does not match its tenant's issuer ${issuer}.`);
    }
    return { issuer, identity: toIdentity(payload, tenantId) };
  }
}

function toIdentity(claims: JWTPayload, tenantId: string): EntraIdentity {
  // The UPN is the matching key: `upn` when Entra sends it, else `preferred_username`.
  const userPrincipalName = typeof claims.upn === 'string' && claims.upn.length > 0 ? claims.upn : String(claims.preferred_username ?? '');
  return {
    tenantId,
    objectId: String(claims.oid),
    userPrincipalName,
    email: typeof claims.email === 'string' ? claims.email : undefined,
    displayName: typeof claims.name === 'string' ? claims.name : undefined,
  };
}
