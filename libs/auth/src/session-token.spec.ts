// Signs and verifies real Ed25519 tokens with jose; the clock is passed in explicitly.
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { DomainError } from '@team-access/contracts';
import { SessionClaims, SessionTokenSigner, SessionTokenVerifier } from './session-token';

const claims: SessionClaims = {
  userId: 'user-1',
  sessionId: 'session-1',
  organizationId: 'org-1',
  loginName: 'jane.doe@contoso.example',
  organizationOwner: false,
  permissions: ['view_organization'],
  termsAccepted: true,
};

async function keyPair() {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { ...(await exportJWK(privateKey)), kid: 'test-key' };
}

describe('session tokens', () => {
  const issuedAt = new Date('2026-12-04T10:00:00Z');

  it('round-trips the claims', async () => {
    const jwk = await keyPair();
    const token = await (await SessionTokenSigner.fromJwk(jwk, 900)).sign(claims, issuedAt);

    const verified = await (await SessionTokenVerifier.fromJwk(jwk)).verify(token, issuedAt);

    expect(verified).toEqual(claims);
  });

  it('rejects an expired token beyond the two-minute skew', async () => {
    const jwk = await keyPair();
    const token = await (await SessionTokenSigner.fromJwk(jwk, 900)).sign(claims, issuedAt);
    const verifier = await SessionTokenVerifier.fromJwk(jwk);

    await expect(verifier.verify(token, new Date(issuedAt.getTime() + (900 + 60) * 1000))).resolves.toEqual(claims);
    await expect(verifier.verify(token, new Date(issuedAt.getTime() + (900 + 121) * 1000))).rejects.toMatchObject({
      code: 'session.expired',
    });
  });

  it('rejects a token without an expiry', async () => {
    const jwk = await keyPair();
    const key = await importJWK(jwk, 'EdDSA');
    const token = await new SignJWT({ sid: 's', org: 'o', login: 'l', own: false, perm: [], terms: true })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'test-key' })
      .setSubject('user-1')
      .setIssuer('team-access/identity')
      .setAudience('team-access')
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .sign(key);

    await expect((await SessionTokenVerifier.fromJwk(jwk)).verify(token, issuedAt)).rejects.toMatchObject({ code: 'session.invalid' });
  });

  it('rejects a token signed with another key', async () => {
    const token = await (await SessionTokenSigner.fromJwk(await keyPair(), 900)).sign(claims, issuedAt);
    const verifier = await SessionTokenVerifier.fromJwk(await keyPair());

    await expect(verifier.verify(token, issuedAt)).rejects.toMatchObject({ code: 'session.invalid' });
  });

  it('rejects a missing token as unauthenticated', async () => {
    const verifier = await SessionTokenVerifier.fromJwk(await keyPair());

    const failure = await verifier.verify(undefined, issuedAt).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(DomainError);
    expect((failure as DomainError).kind).toBe('unauthenticated');
  });
});
