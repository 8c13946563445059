// One oidc-provider instance per tenant. Each has the tenant's issuer, its own in-memory store for
// codes, tokens and sessions, and the signing key set shared by all tenants. Clients come from the
// directory state, so every tenant accepts every registered client like a multi-tenant app.

import { createHash } from 'node:crypto';

import Provider from 'oidc-provider';

export const ROUTES = {
  authorization: '/oauth2/v2.0/authorize',
  token: '/oauth2/v2.0/token',
  jwks: '/discovery/v2.0/keys',
  userinfo: '/openid/userinfo',
};

const AUTHORIZATION_CODE_TTL_SECONDS = 600;
const TOKEN_TTL_SECONDS = 3600;

/** Cookie that carries the session id the front creates after its own login page. */
export const SESSION_COOKIE = 'entra_stand_in_session';

// Entra's `sub` is a pairwise identifier per application, tenant and user (43 base64url characters).
function pairwiseSubject(tid, oid, clientId) {
  return createHash('sha256').update(`${clientId}:${tid}:${oid}`).digest('base64url');
}

function clientMetadata(client) {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: client.redirectUris,
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'RS256',
  };
}

// Adapter for oidc-provider models. Client records come from the directory state. All other
// models live in a Map private to the tenant, so a code issued by one tenant is unknown to others.
function createAdapterClass(directory, store) {
  return class TenantMemoryAdapter {
    constructor(model) {
      this.model = model;
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : undefined;
      store.set(this.key(id), { payload, expiresAt });
      if (payload.uid) {
        store.set(`${this.model}:uid:${payload.uid}`, { payload: id, expiresAt });
      }
      if (payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        const entry = store.get(grantKey) ?? { payload: [], expiresAt };
        entry.payload.push(this.key(id));
        store.set(grantKey, entry);
      }
    }

    async find(id) {
      if (this.model === 'Client') {
        const client = directory.client(id);
        return client ? clientMetadata(client) : undefined;
      }
      return this.#read(this.key(id));
    }

    async findByUid(uid) {
      const id = this.#read(`${this.model}:uid:${uid}`);
      return id ? this.find(id) : undefined;
    }

    async findByUserCode() {
      return undefined;
    }

    async consume(id) {
      const entry = store.get(this.key(id));
      if (entry) {
        entry.payload.consumed = Math.floor(Date.now() / 1000);
      }
    }

    async destroy(id) {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const entry = store.get(`grant:${grantId}`);
      for (const key of entry?.payload ?? []) {
        store.delete(key);
      }
      store.delete(`grant:${grantId}`);
    }

    #read(key) {
      const entry = store.get(key);
      if (!entry) {
        return undefined;
      }
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        store.delete(key);
        return undefined;
      }
      return entry.payload;
    }
  };
}

/**
 * Creates the provider for one tenant, or the template provider used only for the discovery
 * document of `organizations` and `common` (tid undefined, issuer with a literal `{tenantid}`).
 */
export function createTenantProvider({ directory, tid, issuer, logger, cookieKeys }) {
  const store = new Map();

  const provider = new Provider(issuer, {
    adapter: createAdapterClass(directory, store),
    jwks: { keys: directory.signingKeys },
    routes: ROUTES,
    // NOTE: oidc-provider drops `offline_access` unless prompt=consent, which the front strips,
    // so no refresh token is ever issued although Entra would issue one.
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    // Claim placement follows Entra's v2 ID token: oid, name and preferred_username need the
    // `profile` scope and email needs the `email` scope.
    claims: {
      openid: ['sub', 'tid', 'ver', 'nbf'],
      profile: ['oid', 'name', 'preferred_username', 'upn'],
      email: ['email'],
    },
    // Without this, oidc-provider moves scope claims out of ID tokens issued next to an access token.
    // NOTE: ID tokens from the token endpoint still carry `at_hash`, which Entra leaves out there.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    pkce: { methods: ['S256'], required: () => false },
    responseTypes: ['code'],
    cookies: {
      keys: cookieKeys,
      names: { session: SESSION_COOKIE, interaction: '_interaction', resume: '_interaction_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: false },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    ttl: {
      AccessToken: TOKEN_TTL_SECONDS,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      IdToken: TOKEN_TTL_SECONDS,
      Grant: TOKEN_TTL_SECONDS,
      Session: TOKEN_TTL_SECONDS,
      Interaction: AUTHORIZATION_CODE_TTL_SECONDS,
    },
    // The front only forwards a request here after its login page accepted the user, so consent
    // is implied: grant every requested scope, as Entra does for an admin-consented app.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope([...ctx.oidc.requestParamOIDCScopes].join(' '));
      await grant.save();
      return grant;
    },
    // oidc-provider redirects here only when it wants an interaction the front did not expect, for
    // example a request forwarded without a session. The front returns an error page for this path.
    interactions: {
      url: async (ctx, interaction) => `/${tid ?? 'organizations'}/_unexpected-interaction/${interaction.uid}`,
    },
    async findAccount(ctx, oid) {
      const tenant = directory.tenant(tid);
      const user = tenant?.users[oid];
      if (!user) {
        return undefined;
      }
      return {
        accountId: user.oid,
        async claims() {
          const clientId = ctx?.oidc?.client?.clientId ?? '';
          return {
            sub: pairwiseSubject(tenant.id, user.oid, clientId),
            tid: tenant.id,
            ver: '2.0',
            nbf: Math.floor(Date.now() / 1000),
            oid: user.oid,
            name: user.name,
            preferred_username: user.upn,
            ...(user.upnClaim ? { upn: user.upn } : {}),
            ...(user.email ? { email: user.email } : {}),
          };
        },
      };
    },
    async renderError(ctx, out, error) {
      logger.warn({ tid, error: out.error, description: out.error_description, status: ctx.status }, 'provider error page');
      ctx.type = 'html';
      ctx.body = `<!DOCTYPE html><html><head><title>Sign in error</title></head><body><h1>Sign in error</h1>
<p id="error">${escapeHtml(out.error)}</p><p id="error_description">${escapeHtml(out.error_description ?? '')}</p></body></html>`;
    },
  });

  // Entra does not send `iss` back with the authorization code (RFC 9207), so drop it.
  provider.on('authorization.success', (ctx, out) => {
    delete out.iss;
  });
  provider.on('server_error', (ctx, error) => {
    logger.error({ tid, err: error }, 'provider server error');
  });
  provider.on('grant.error', (ctx, error) => {
    logger.info({ tid, error: error.error, description: error.error_description }, 'token request rejected');
  });
  provider.on('authorization.error', (ctx, error) => {
    logger.info({ tid, error: error.error, description: error.error_description }, 'authorization request rejected');
  });

  return { provider, store };
}

export function escapeHtml(value) {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
