import { importJWK, JWK, jwtVerify, KeyLike, SignJWT, errors as joseErrors } from 'jose';
import { DomainError } from '@team-access/contracts';

export const ORGANIZATION_PERMISSIONS = ['view_organization', 'audit_history'] as const;
export type OrganizationPermission = (typeof ORGANIZATION_PERMISSIONS)[number];

/**
 * Claims of a session token. Identity signs it; every other service verifies it with the
 * public key, so a command handler checks permissions itself instead of trusting the gateway.
 */
export interface SessionClaims {
  userId: string;
  sessionId: string;
  organizationId: string;
  loginName: string;
  organizationOwner: boolean;
  permissions: OrganizationPermission[];
  termsAccepted: boolean;
}

const ISSUER = 'team-access/identity';
const AUDIENCE = 'team-access';
const ALGORITHM = 'EdDSA';
const CLOCK_TOLERANCE_SECONDS = 120;

export class SessionTokenSigner {
  private constructor(
    private readonly key: KeyLike | Uint8Array,
    private readonly keyId: string,
    private readonly lifetimeSeconds: number,
  ) {}

  /** Loads an Ed25519 private JWK (with `kid`) as produced by scripts/dev-keys.mjs. */
  static async fromJwk(jwk: JWK, lifetimeSeconds: number): Promise<SessionTokenSigner> {
    if (!jwk.kid) {
      throw new Error('The session signing JWK has no "kid"; add one so verifiers can pick the key.');
    }
    return new SessionTokenSigner(await importJWK(jwk, ALGORITHM), jwk.kid, lifetimeSeconds);
  }

  async sign(claims: SessionClaims, now: Date): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);

    return new SignJWT({
      sid: claims.sessionId,
      org: claims.organizationId,
      login: claims.loginName,
      own: claims.organizationOwner,
      perm: claims.permissions,
      terms: claims.termsAccepted,
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keyId })
      .setSubject(claims.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setNotBefore(issuedAt)
      .setExpirationTime(issuedAt + this.lifetimeSeconds)
      .sign(this.key);
  }
}

export class SessionTokenVerifier {
  private constructor(private readonly key: KeyLike | Uint8Array) {}

  static async fromJwk(jwk: JWK): Promise<SessionTokenVerifier> {
    const { d: _privatePart, ...publicJwk } = jwk;
    return new SessionTokenVerifier(await importJWK(publicJwk, ALGORITHM));
  }

  /** Verifies signature, issuer, audience, expiry and not-before; throws an `unauthenticated` DomainError. */
  async verify(token: string | undefined, now: Date): Promise<SessionClaims> {
    if (!token) {
      throw new DomainError('unauthenticated', 'session.missing', 'This request needs a session.', {
        fix: 'Sign in at /signin, or send "Authorization: Bearer <session token>".',
      });
    }

    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALGORITHM],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
        requiredClaims: ['sub', 'sid', 'org', 'iat', 'exp'],
      });
      return {
        userId: String(payload.sub),
        sessionId: String(payload.sid),
        organizationId: String(payload.org),
        loginName: String(payload.login),
        organizationOwner: payload.own === true,
        permissions: Array.isArray(payload.perm) ? (payload.perm as OrganizationPermission[]) : [],
        termsAccepted: payload.terms === true,
      };
    } catch (error: unknown) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw new DomainError(
        'unauthenticated',
        expired ? 'session.expired' : 'session.invalid',
        expired ? 'The session has expired.' : 'The session token is not valid.',
        { fix: 'Sign in again at /signin.' },
      );
    }
  }
}
