// Local stand-in for Microsoft Entra ID's v2 OpenID Connect endpoint, for tests and demos.
//
// Design. oidc-provider has one issuer per Provider instance, and Entra has one issuer per tenant
// (`<base>/<tid>/v2.0`), so every tenant gets its own Provider (tenant-provider.mjs). A thin HTTP
// front in this file owns the URL space `/<tenant>/...`, where <tenant> is a tenant id, one of the
// tenant's verified domains, `organizations` or `common`, and does three things itself:
//
// 1. The sign-in page. `GET /<tenant>/oauth2/v2.0/authorize` checks client_id and redirect_uri and
//    returns a login page whose form posts to `/<tenant>/login`. The front looks the username up
//    in that tenant, or in every tenant for `organizations`/`common`. It applies Entra's
//    rejections (cancel, unknown user, user not assigned to the app) itself. For an accepted user
//    it creates an oidc-provider Session in the home tenant's Provider and replays the original
//    authorization request into that Provider with the session cookie set. The Provider finds a signed-in user
//    and a grant (loadExistingGrant), so it issues the code and redirects to redirect_uri without
//    any interaction. The browser or test client never needs to keep cookies.
// 2. Routing. Token, keys and userinfo requests for a tenant go to that tenant's Provider. Through
//    `organizations`/`common` they go to the tenant whose store holds the code or access token.
// 3. Discovery for `organizations`/`common` comes from a template Provider whose issuer is the
//    literal `<base>/{tenantid}/v2.0`, as Entra publishes it. It never issues tokens.
//
// Requests are handed to a Provider by rewriting `req.url` to the Provider's route and setting
// `req.originalUrl` to the public path; oidc-provider derives its mount path from the difference,
// so every URL it emits is under `/<tenant>`.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import pino from 'pino';

import { AdminError, DirectoryState } from './state.mjs';
import { ROUTES, SESSION_COOKIE, createTenantProvider } from './tenant-provider.mjs';
import {
  aadstsDescription,
  renderErrorPage,
  renderLoginPage,
  sendAuthorizationResponse,
  sendHtml,
  sendJson,
} from './pages.mjs';

const MULTI_TENANT_SEGMENTS = new Set(['organizations', 'common']);
const MAX_BODY_BYTES = 64 * 1024;
const SESSION_TTL_SECONDS = 600;
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

class BodyTooLargeError extends Error {}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new BodyTooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function isLoopback(req) {
  return LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '');
}

/**
 * Starts the stand-in and resolves once it listens.
 * Options: port (0 picks a free one), host (default 127.0.0.1), baseUrl (default
 * `http://<host>:<port>`), dataDir (persist state.json there), logger (pino instance).
 * Resolves to { baseUrl, port, server, directory, close() }.
 */
export async function start(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ name: 'entra-stand-in' });
  const directory = await DirectoryState.open({ dataDir: options.dataDir, logger });

  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4011, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address();
  const baseUrl = (options.baseUrl ?? `http://${host}:${port}`).replace(/\/$/, '');

  const front = new Front({ directory, baseUrl, logger });
  server.on('request', (req, res) => {
    front.handle(req, res);
  });
  logger.info({ baseUrl, port }, 'entra stand-in listening');

  return {
    baseUrl,
    port,
    server,
    directory,
    async close() {
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      logger.info({ baseUrl }, 'entra stand-in stopped');
    },
  };
}

class Front {
  #directory;
  #baseUrl;
  #publicHost;
  #https;
  #logger;
  #cookieKeys = [randomBytes(32).toString('base64url')];
  #tenantProviders = new Map();
  #templateProvider;

  constructor({ directory, baseUrl, logger }) {
    this.#directory = directory;
    this.#baseUrl = baseUrl;
    this.#publicHost = new URL(baseUrl).host;
    this.#https = new URL(baseUrl).protocol === 'https:';
    this.#logger = logger;
    this.#templateProvider = this.#wrapProvider(
      createTenantProvider({
        directory,
        tid: undefined,
        issuer: `${baseUrl}/{tenantid}/v2.0`,
        logger,
        cookieKeys: this.#cookieKeys,
      }),
    );
  }

  async handle(req, res) {
    const startedAt = Date.now();
    const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
    res.on('finish', () => {
      this.#logger.info(
        { method: req.method, path: url.pathname, status: res.statusCode, durationMs: Date.now() - startedAt },
        'request handled',
      );
    });

    try {
      await this.#route(req, res, url);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendJson(res, 413, { code: 'body_too_large', message: error.message, value: null });
        return;
      }
      this.#logger.error({ err: error, method: req.method, path: url.pathname }, 'request failed');
      if (!res.headersSent) {
        sendJson(res, 500, { code: 'internal_error', message: `stand-in failed: ${error.message}`, value: null });
      } else {
        res.destroy();
      }
    }
  }

  async #route(req, res, url) {
    const { pathname } = url;

    if (pathname === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (pathname === '/_admin' || pathname.startsWith('/_admin/')) {
      await this.#handleAdmin(req, res, pathname);
      return;
    }

    const match = /^\/([^/]+)(\/.*)$/.exec(pathname);
    if (!match) {
      sendJson(res, 404, { code: 'not_found', message: `no route for ${pathname}`, value: pathname });
      return;
    }
    const [, segment, rest] = match;
    const tenantRef = this.#resolveTenantSegment(segment);
    if (!tenantRef) {
      this.#sendUnknownTenant(req, res, segment, rest);
      return;
    }

    switch (true) {
      case rest === '/v2.0/.well-known/openid-configuration' && req.method === 'GET':
        this.#dispatch(this.#providerFor(tenantRef), req, res, tenantRef.mountPath, '/.well-known/openid-configuration', url.search);
        return;
      case rest === ROUTES.jwks && req.method === 'GET':
        this.#dispatch(this.#providerFor(tenantRef), req, res, tenantRef.mountPath, ROUTES.jwks, url.search);
        return;
      case rest === ROUTES.authorization && (req.method === 'GET' || req.method === 'POST'):
        await this.#showLoginPage(req, res, url, tenantRef);
        return;
      case rest === '/login' && req.method === 'POST':
        await this.#submitLogin(req, res, tenantRef);
        return;
      case rest === ROUTES.token && req.method === 'POST':
        await this.#routeToken(req, res, tenantRef);
        return;
      case rest === ROUTES.userinfo && (req.method === 'GET' || req.method === 'POST'):
        await this.#routeUserinfo(req, res, url, tenantRef);
        return;
      case rest === '/oauth2/v2.0/logout' && req.method === 'GET':
        this.#logout(res, url);
        return;
      case rest.startsWith('/_unexpected-interaction/'):
        this.#logger.error({ segment }, 'oidc-provider asked for an interaction the stand-in does not implement');
        sendHtml(res, 500, renderErrorPage({
          code: 'stand_in_interaction_required',
          description: 'oidc-provider asked for a user interaction after sign-in; the stand-in implements none. Check the authorization request parameters (prompt, max_age, claims).',
        }));
        return;
      default:
        sendJson(res, 404, { code: 'not_found', message: `no route for ${req.method} ${pathname}`, value: pathname });
    }
  }

  // Accepts a tenant id, a verified domain of a tenant, `organizations` or `common`.
  #resolveTenantSegment(segment) {
    const lowered = segment.toLowerCase();
    if (MULTI_TENANT_SEGMENTS.has(lowered)) {
      return { segment: lowered, tenant: undefined, mountPath: `/${lowered}` };
    }
    const tenant = this.#directory.tenant(lowered)
      ?? this.#directory.snapshot().tenants.find((candidate) => candidate.domains.includes(lowered));
    return tenant ? { segment: lowered, tenant, mountPath: `/${tenant.id}` } : undefined;
  }

  #sendUnknownTenant(req, res, segment, rest) {
    const description = aadstsDescription(
      'AADSTS90002',
      `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
    if (rest === ROUTES.authorization || rest === '/login') {
      sendHtml(res, 400, renderErrorPage({ code: 'AADSTS90002', description }));
      return;
    }
    sendJson(res, 400, { error: 'invalid_tenant', error_description: description });
  }

  #providerFor(tenantRef) {
    return tenantRef.tenant ? this.#tenantProvider(tenantRef.tenant.id) : this.#templateProvider;
  }

  #tenantProvider(tid) {
    let entry = this.#tenantProviders.get(tid);
    if (!entry) {
      entry = this.#wrapProvider(
        createTenantProvider({
          directory: this.#directory,
          tid,
          issuer: `${this.#baseUrl}/${tid}/v2.0`,
          logger: this.#logger,
          cookieKeys: this.#cookieKeys,
        }),
      );
      this.#tenantProviders.set(tid, entry);
    }
    return entry;
  }

  #wrapProvider({ provider, store }) {
    if (this.#https) {
      provider.proxy = true;
    }
    // Entra's discovery document has an end_session_endpoint and no RFC 9207 `iss` flag.
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
        ctx.body.end_session_endpoint = ctx.body.authorization_endpoint.replace(/\/authorize$/, '/logout');
        ctx.body.subject_types_supported = ['pairwise'];
        delete ctx.body.authorization_response_iss_parameter_supported;
      }
    });
    return { provider, store, callback: provider.callback() };
  }

  #dispatch(entry, req, res, mountPath, route, search) {
    req.url = `${route}${search}`;
    req.originalUrl = `${mountPath}${route}${search}`;
    req.headers.host = this.#publicHost;
    if (this.#https) {
      req.headers['x-forwarded-proto'] = 'https';
    }
    entry.callback(req, res);
  }

  /** Checks client_id and redirect_uri like Entra does before it shows any page. */
  #checkClientAndRedirect(params, tenantRef) {
    const clientId = params.get('client_id') ?? '';
    const client = this.#directory.client(clientId);
    if (!client) {
      return {
        error: {
          code: 'AADSTS700016',
          description: aadstsDescription(
            'AADSTS700016',
            `Application with identifier '${clientId}' was not found in the directory '${tenantRef.segment}'. This can happen if the application has not been registered with POST /_admin/clients.`,
          ),
        },
      };
    }

    const requested = params.get('redirect_uri');
    const redirectUri = requested ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return {
        error: {
          code: 'AADSTS50011',
          description: aadstsDescription(
            'AADSTS50011',
            `The redirect URI '${requested ?? ''}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
          ),
        },
      };
    }
    return { client, redirectUri };
  }

  #refuse(res, params, redirectUri, error, description) {
    sendAuthorizationResponse(res, {
      redirectUri,
      responseMode: params.get('response_mode') ?? 'query',
      params: { error, error_description: description, state: params.get('state') ?? undefined },
    });
  }

  async #showLoginPage(req, res, url, tenantRef) {
    const query = req.method === 'POST' ? await readBody(req) : url.search.slice(1);
    const params = new URLSearchParams(query);

    const checked = this.#checkClientAndRedirect(params, tenantRef);
    if (checked.error) {
      sendHtml(res, 400, renderErrorPage(checked.error));
      return;
    }
    // The stand-in keeps no single sign-on session, so a silent request can never succeed.
    if (params.get('prompt') === 'none') {
      this.#refuse(res, params, checked.redirectUri, 'login_required', aadstsDescription(
        'AADSTS50058',
        'A silent sign-in request was sent but no user is signed in.',
      ));
      return;
    }

    sendHtml(res, 200, renderLoginPage({
      action: `${this.#baseUrl}/${tenantRef.segment}/login`,
      request: params.toString(),
      loginHint: params.get('login_hint') ?? undefined,
    }));
  }

  async #submitLogin(req, res, tenantRef) {
    const form = new URLSearchParams(await readBody(req));
    const params = this.#authorizationParamsFromForm(form);
    const login = (form.get('login') ?? '').trim();
    const action = form.get('action') ?? 'login';

    const checked = this.#checkClientAndRedirect(params, tenantRef);
    if (checked.error) {
      sendHtml(res, 400, renderErrorPage(checked.error));
      return;
    }
    const { client, redirectUri } = checked;

    if (action === 'cancel') {
      this.#logger.info({ clientId: client.clientId }, 'sign-in cancelled');
      this.#refuse(res, params, redirectUri, 'access_denied', aadstsDescription(
        'AADSTS65004',
        'User declined to consent to access the app.',
      ));
      return;
    }
    if (action !== 'login') {
      sendHtml(res, 400, renderErrorPage({
        code: 'invalid_action',
        description: `Form field action must be "login" or "cancel", got "${action}".`,
      }));
      return;
    }
    if (!login) {
      sendHtml(res, 400, renderLoginPage({
        action: `${this.#baseUrl}/${tenantRef.segment}/login`,
        request: params.toString(),
        message: 'Enter a valid email address, phone number, or Skype name.',
      }));
      return;
    }

    const found = this.#directory.findUserByUpn(login, tenantRef.tenant?.id);
    if (!found) {
      this.#logger.info({ segment: tenantRef.segment }, 'sign-in with unknown username');
      const where = tenantRef.tenant ? `the ${tenantRef.tenant.id} directory` : 'any directory';
      sendHtml(res, 400, renderErrorPage({
        code: 'AADSTS50034',
        description: aadstsDescription(
          'AADSTS50034',
          `The user account ${login} does not exist in ${where}. To sign into this application, the account must be added to the directory.`,
        ),
      }));
      return;
    }

    const { tenant, user } = found;
    if (!this.#directory.isAssigned(user, client)) {
      this.#logger.info({ tid: tenant.id, oid: user.oid, clientId: client.clientId }, 'sign-in rejected: user not assigned');
      this.#refuse(res, params, redirectUri, 'access_denied', aadstsDescription(
        'AADSTS50105',
        `The signed in user '${user.upn}' is not assigned to a role for the application '${client.clientId}'.`,
      ));
      return;
    }

    this.#logger.info({ tid: tenant.id, oid: user.oid, clientId: client.clientId }, 'sign-in accepted');
    await this.#continueInHomeTenant(req, res, tenant.id, user.oid, params);
  }

  // The login form carries the authorization request in the hidden field `request`. A client that
  // skips the page may instead post the authorization parameters themselves next to `login`.
  #authorizationParamsFromForm(form) {
    if (form.has('request')) {
      return new URLSearchParams(form.get('request') ?? '');
    }
    const params = new URLSearchParams(form);
    params.delete('login');
    params.delete('action');
    return params;
  }

  async #continueInHomeTenant(req, res, tid, oid, params) {
    const entry = this.#tenantProvider(tid);

    const session = new entry.provider.Session({});
    session.loginAccount({ accountId: oid });
    await session.save(SESSION_TTL_SECONDS);

    // The user just signed in on the stand-in's page, which is where every Entra `prompt` value
    // ends. Forwarded, `prompt` would make oidc-provider ask for an interaction (login, consent)
    // or reject `select_account`.
    const forwarded = new URLSearchParams(params);
    forwarded.delete('prompt');

    req.method = 'GET';
    req.headers.cookie = `${SESSION_COOKIE}=${session.jti}`;
    delete req.headers['content-type'];
    delete req.headers['content-length'];
    delete req.headers['transfer-encoding'];
    this.#dispatch(entry, req, res, `/${tid}`, ROUTES.authorization, `?${forwarded.toString()}`);
  }

  async #routeToken(req, res, tenantRef) {
    const body = await readBody(req);
    // oidc-provider reads an already consumed body from req.body. It prints a one-time
    // "already parsed request body detected" warning on stderr, which is expected here.
    req.body = body;

    let tid = tenantRef.tenant?.id;
    if (!tid) {
      const form = new URLSearchParams(body);
      tid = this.#tenantHolding('AuthorizationCode', form.get('code'));
      if (!tid) {
        sendJson(res, 400, {
          error: 'invalid_grant',
          error_description: aadstsDescription('AADSTS70000', 'The provided authorization code is invalid or has expired.'),
        });
        return;
      }
    }
    this.#dispatch(this.#tenantProvider(tid), req, res, tenantRef.mountPath, ROUTES.token, '');
  }

  async #routeUserinfo(req, res, url, tenantRef) {
    let tid = tenantRef.tenant?.id;
    if (!tid) {
      const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      tid = this.#tenantHolding('AccessToken', token);
      if (!tid) {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"', 'content-length': 0 });
        res.end();
        return;
      }
    }
    if (req.method === 'POST') {
      req.body = await readBody(req);
    }
    this.#dispatch(this.#tenantProvider(tid), req, res, tenantRef.mountPath, ROUTES.userinfo, url.search);
  }

  #tenantHolding(model, id) {
    if (!id) {
      return undefined;
    }
    for (const [tid, entry] of this.#tenantProviders) {
      if (entry.store.has(`${model}:${id}`)) {
        return tid;
      }
    }
    return undefined;
  }

  // Sign-out keeps no state on the stand-in, so it only sends the browser back when asked to.
  #logout(res, url) {
    const target = url.searchParams.get('post_logout_redirect_uri');
    if (!target) {
      sendHtml(res, 200, '<!DOCTYPE html><html><body><h1>You signed out of your account</h1></body></html>\n');
      return;
    }
    const allowed = this.#directory.snapshot().clients.some((client) => client.redirectUris.some(
      (uri) => new URL(uri).origin === safeOrigin(target),
    ));
    if (!allowed) {
      sendHtml(res, 400, renderErrorPage({
        code: 'AADSTS50011',
        description: `The post_logout_redirect_uri '${target}' has no origin in common with any registered redirect URI.`,
      }));
      return;
    }
    const redirect = new URL(target);
    const state = url.searchParams.get('state');
    if (state) {
      redirect.searchParams.set('state', state);
    }
    res.writeHead(302, { location: redirect.href, 'content-length': 0 });
    res.end();
  }

  async #handleAdmin(req, res, pathname) {
    if (!isLoopback(req)) {
      sendJson(res, 403, { code: 'forbidden', message: 'the admin API accepts loopback clients only; call it from 127.0.0.1 or ::1', value: req.socket.remoteAddress });
      return;
    }

    try {
      const result = await this.#runAdmin(req, pathname);
      sendJson(res, result.status, result.body);
    } catch (error) {
      if (error instanceof AdminError) {
        this.#logger.info({ code: error.code, path: pathname }, 'admin request rejected');
        sendJson(res, error.status, { code: error.code, message: error.message, value: error.value ?? null });
        return;
      }
      throw error;
    }
  }

  async #runAdmin(req, pathname) {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent).slice(1);
    const route = `${req.method} ${parts.map((part, index) => (index % 2 === 1 ? ':' : part)).join('/')}`;

    switch (route) {
      case 'GET state':
        return { status: 200, body: this.#directory.snapshot() };
      case 'POST tenants':
        return { status: 201, body: this.#directory.createTenant(await readJson(req)) };
      case 'POST tenants/:/users':
        return { status: 201, body: this.#directory.createUser(parts[1], await readJson(req)) };
      case 'PATCH tenants/:/users/:':
        return { status: 200, body: this.#directory.updateUser(parts[1], parts[3], await readJson(req)) };
      case 'PUT tenants/:/users/:/assignments/:':
        return { status: 200, body: this.#directory.setAssignment(parts[1], parts[3], parts[5], await readJson(req)) };
      case 'POST clients': {
        const { clientSecret, ...client } = this.#directory.upsertClient(await readJson(req));
        return { status: 200, body: { ...client, clientSecretSet: Boolean(clientSecret) } };
      }
      default:
        throw new AdminError(404, 'not_found', `no admin route for ${req.method} ${pathname}`, pathname);
    }
  }
}

async function readJson(req) {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AdminError(400, 'invalid_json', `request body is not valid JSON: ${error.message}`, text.slice(0, 200));
  }
}

function safeOrigin(value) {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
