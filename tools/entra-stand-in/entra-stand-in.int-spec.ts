// Real: the Entra stand-in started as a child process (`node server.mjs`) with its state in a
// temporary directory, driven over HTTP exactly as an end-to-end test or browser would: admin API,
// login form, token endpoint. ID tokens are verified with jose against the published JWKS.
// Nothing is mocked.

import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { JWTPayload, createRemoteJWKSet, jwtVerify } from 'jose';

const STARTUP_DEADLINE_MS = 15_000;
const CLIENT_ID = 'team-access-web';
const CLIENT_SECRET = 'stand-in-secret-1';
const REDIRECT_URI = 'http://127.0.0.1:3999/auth/callback';

interface RunningStandIn {
  child: ChildProcess;
  baseUrl: string;
}

interface Tenant {
  id: string;
  domains: string[];
}

interface User {
  oid: string;
  upn: string;
  email?: string;
  name: string;
}

interface FlowOptions {
  tenant: string;
  login: string;
  action?: 'login' | 'cancel';
  scope?: string;
}

interface FlowResult {
  redirect: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

// Starts the stand-in on a free port and resolves with the base URL from its "listening" log line.
function startStandIn(dataDir: string): Promise<RunningStandIn> {
  const child = spawn(process.execPath, [join(__dirname, 'server.mjs')], {
    env: { ...process.env, ENTRA_STAND_IN_PORT: '0', ENTRA_STAND_IN_DATA: dataDir, ENTRA_STAND_IN_BASE_URL: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  return new Promise((resolve, reject) => {
    if (!child.stdout) {
      reject(new Error('child process has no stdout pipe'));
      return;
    }
    const output = child.stdout;
    const timer = setTimeout(() => reject(new Error(`stand-in did not log "listening" within ${STARTUP_DEADLINE_MS} ms`)), STARTUP_DEADLINE_MS);
    child.once('exit', (code) => reject(new Error(`stand-in exited with code ${code} before listening`)));

    createInterface({ input: output }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; baseUrl?: string };
      if (entry.msg === 'entra stand-in listening' && entry.baseUrl) {
        clearTimeout(timer);
        resolve({ child, baseUrl: entry.baseUrl });
      }
    });
  });
}

function stopProcess(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
      return;
    }
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

function decodeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attribute(html: string, pattern: RegExp, element: string): string {
  const match = pattern.exec(html);
  if (!match) {
    throw new Error(`login page has no ${element}: ${html.slice(0, 400)}`);
  }
  return decodeHtml(match[1]);
}

describe('entra stand-in', () => {
  let dataDir: string;
  let standIn: RunningStandIn;
  let base: string;
  let contoso: Tenant;
  let fabrikam: Tenant;
  let alice: User;
  let bob: User;
  let mallory: User;

  async function admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${base}/_admin${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function createUser(tenant: Tenant, body: Record<string, unknown>, assigned: boolean): Promise<User> {
    const created = await admin<User>('POST', `/tenants/${tenant.id}/users`, body);
    expect(created.status).toBe(201);
    const assignment = await admin('PUT', `/tenants/${tenant.id}/users/${created.body.oid}/assignments/${CLIENT_ID}`, { assigned });
    expect(assignment.status).toBe(200);
    return created.body;
  }

  // Drives the sign-in as a browser would: GET authorize, read the form, POST it, and stop at the
  // redirect that leaves the stand-in (the relying party's redirect_uri).
  async function signIn({ tenant, login, action = 'login', scope = 'openid profile email' }: FlowOptions): Promise<FlowResult> {
    const state = randomBytes(8).toString('hex');
    const nonce = randomBytes(8).toString('hex');
    const codeVerifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      response_mode: 'query',
      redirect_uri: REDIRECT_URI,
      scope,
      state,
      nonce,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
    });

    const page = await fetch(`${base}/${tenant}/oauth2/v2.0/authorize?${query}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html.match(/<form /g)).toHaveLength(1);

    const formAction = attribute(html, /<form method="post" action="([^"]+)"/, 'form action');
    const request = attribute(html, /<input type="hidden" name="request" value="([^"]*)"/, 'hidden request input');
    const submitted = await fetch(formAction, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, login, action }),
    });

    const location = submitted.headers.get('location');
    if (submitted.status < 300 || submitted.status > 399 || !location) {
      throw new Error(`sign-in ended with HTTP ${submitted.status} instead of a redirect: ${(await submitted.text()).slice(0, 400)}`);
    }
    return { redirect: new URL(location, base), state, nonce, codeVerifier };
  }

  async function redeem(tokenTenant: string, code: string, codeVerifier: string, auth: 'post' | 'basic' = 'post') {
    const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: codeVerifier });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (auth === 'post') {
      form.set('client_id', CLIENT_ID);
      form.set('client_secret', CLIENT_SECRET);
    } else {
      headers.authorization = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
    }
    const response = await fetch(`${base}/${tokenTenant}/oauth2/v2.0/token`, { method: 'POST', headers, body: form });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  async function verifyIdToken(idToken: string, tenant: Tenant): Promise<JWTPayload> {
    const discovery = (await (await fetch(`${base}/${tenant.id}/v2.0/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    const { payload, protectedHeader } = await jwtVerify(idToken, createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer: `${base}/${tenant.id}/v2.0`,
      audience: CLIENT_ID,
      algorithms: ['RS256'],
    });
    expect(discovery.issuer).toBe(`${base}/${tenant.id}/v2.0`);
    expect(protectedHeader.alg).toBe('RS256');
    return payload;
  }

  async function signInAndVerify(tenantSegment: string, login: string, home: Tenant): Promise<{ payload: JWTPayload; flow: FlowResult }> {
    const flow = await signIn({ tenant: tenantSegment, login });
    const code = flow.redirect.searchParams.get('code');
    expect(code).toBeTruthy();
    const tokens = await redeem(tenantSegment, code ?? '', flow.codeVerifier);
    expect(tokens.status).toBe(200);
    return { payload: await verifyIdToken(tokens.body.id_token, home), flow };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'entra-stand-in-'));
    standIn = await startStandIn(dataDir);
    base = standIn.baseUrl;

    const client = await admin('POST', '/clients', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] });
    expect(client.status).toBe(200);
    contoso = (await admin<Tenant>('POST', '/tenants', { domains: ['contoso.test'] })).body;
    fabrikam = (await admin<Tenant>('POST', '/tenants', { tenantId: '9f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', domains: ['fabrikam.test'] })).body;

    alice = await createUser(contoso, { upn: 'alice@contoso.test', email: 'alice.smith@mail.contoso.test', name: 'Alice Smith' }, true);
    bob = await createUser(fabrikam, { upn: 'bob@fabrikam.test', name: 'Bob Jones', upnClaim: true }, true);
    mallory = await createUser(contoso, { upn: 'mallory@contoso.test', email: 'mallory@contoso.test', name: 'Mallory' }, false);
  });

  afterAll(async () => {
    await stopProcess(standIn.child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('tenant code flow with PKCE', async () => {
    const { payload, flow } = await signInAndVerify(contoso.id, 'alice@contoso.test', contoso);

    expect(flow.redirect.origin + flow.redirect.pathname).toBe(REDIRECT_URI);
    expect(flow.redirect.searchParams.get('state')).toBe(flow.state);
    expect(payload.iss).toBe(`${base}/${contoso.id}/v2.0`);
    expect(payload.aud).toBe(CLIENT_ID);
    expect(payload.tid).toBe(contoso.id);
    expect(payload.oid).toBe(alice.oid);
    expect(payload.preferred_username).toBe('alice@contoso.test');
    expect(payload.name).toBe('Alice Smith');
    expect(payload.nonce).toBe(flow.nonce);
    expect(payload.ver).toBe('2.0');
    expect(typeof payload.sub).toBe('string');
    expect(payload.sub).not.toBe(alice.oid);
    expect(payload).not.toHaveProperty('upn');
    expect(typeof payload.iat).toBe('number');
    expect(typeof payload.nbf).toBe('number');
    expect(payload.exp).toBeGreaterThan(payload.iat ?? 0);
  });

  test('email differs from UPN', async () => {
    const { payload } = await signInAndVerify(contoso.id, 'Alice@Contoso.test', contoso);

    expect(payload.email).toBe('alice.smith@mail.contoso.test');
    expect(payload.preferred_username).toBe('alice@contoso.test');
  });

  test('organizations flow uses home tenant', async () => {
    const discovery = (await (await fetch(`${base}/organizations/v2.0/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(discovery.issuer).toBe(`${base}/{tenantid}/v2.0`);
    expect(discovery.authorization_endpoint).toBe(`${base}/organizations/oauth2/v2.0/authorize`);
    expect(discovery.token_endpoint).toBe(`${base}/organizations/oauth2/v2.0/token`);

    const flow = await signIn({ tenant: 'organizations', login: 'bob@fabrikam.test' });
    const tokens = await redeem('organizations', flow.redirect.searchParams.get('code') ?? '', flow.codeVerifier, 'basic');
    expect(tokens.status).toBe(200);
    const payload = await verifyIdToken(tokens.body.id_token, fabrikam);

    expect(payload.iss).toBe(`${base}/${fabrikam.id}/v2.0`);
    expect(payload.tid).toBe(fabrikam.id);
    expect(payload.oid).toBe(bob.oid);
    expect(payload.upn).toBe('bob@fabrikam.test');
    expect(payload).not.toHaveProperty('email');
    expect(payload.nonce).toBe(flow.nonce);
  });

  test('common flow for another tenant', async () => {
    const { payload } = await signInAndVerify('common', 'alice@contoso.test', contoso);

    expect(payload.tid).toBe(contoso.id);
    expect(payload.iss).toBe(`${base}/${contoso.id}/v2.0`);
  });

  test('same key set for every tenant', async () => {
    const keysOf = async (segment: string) => ((await (await fetch(`${base}/${segment}/discovery/v2.0/keys`)).json()) as { keys: unknown[] }).keys;

    const contosoKeys = await keysOf(contoso.id);

    expect(contosoKeys).toHaveLength(1);
    expect(await keysOf(fabrikam.id)).toEqual(contosoKeys);
    expect(await keysOf('organizations')).toEqual(contosoKeys);
    expect(JSON.stringify(contosoKeys)).not.toContain('"d"');
  });

  test('unassigned user is refused', async () => {
    const flow = await signIn({ tenant: contoso.id, login: 'mallory@contoso.test' });

    expect(flow.redirect.origin + flow.redirect.pathname).toBe(REDIRECT_URI);
    expect(flow.redirect.searchParams.get('error')).toBe('access_denied');
    expect(flow.redirect.searchParams.get('error_description')).toMatch(/^AADSTS50105: .*is not assigned to a role for the application/);
    expect(flow.redirect.searchParams.get('state')).toBe(flow.state);
    expect(flow.redirect.searchParams.has('code')).toBe(false);
  });

  test('assignment change takes effect', async () => {
    await admin('PUT', `/tenants/${contoso.id}/users/${mallory.oid}/assignments/${CLIENT_ID}`, { assigned: true });
    const allowed = await signIn({ tenant: contoso.id, login: 'mallory@contoso.test' });
    await admin('PUT', `/tenants/${contoso.id}/users/${mallory.oid}/assignments/${CLIENT_ID}`, { assigned: false });
    const refused = await signIn({ tenant: contoso.id, login: 'mallory@contoso.test' });

    expect(allowed.redirect.searchParams.has('code')).toBe(true);
    expect(refused.redirect.searchParams.get('error')).toBe('access_denied');
  });

  test('cancel returns AADSTS65004', async () => {
    const flow = await signIn({ tenant: 'organizations', login: '', action: 'cancel' });

    expect(flow.redirect.searchParams.get('error')).toBe('access_denied');
    expect(flow.redirect.searchParams.get('error_description')).toMatch(/^AADSTS65004: /);
    expect(flow.redirect.searchParams.get('state')).toBe(flow.state);
  });

  test('unknown user gets error page', async () => {
    const inTenant = signIn({ tenant: contoso.id, login: 'bob@fabrikam.test' });
    const anywhere = signIn({ tenant: 'organizations', login: 'nobody@nowhere.test' });

    await expect(inTenant).rejects.toThrow(/HTTP 400 instead of a redirect.*AADSTS50034/s);
    await expect(anywhere).rejects.toThrow(/HTTP 400 instead of a redirect.*AADSTS50034/s);
  });

  test('wrong code_verifier is invalid_grant', async () => {
    const flow = await signIn({ tenant: contoso.id, login: 'alice@contoso.test' });
    const code = flow.redirect.searchParams.get('code') ?? '';

    const wrong = await redeem(contoso.id, code, randomBytes(32).toString('base64url'));

    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');
  });

  test('code from one tenant fails at another', async () => {
    const flow = await signIn({ tenant: contoso.id, login: 'alice@contoso.test' });

    const other = await redeem(fabrikam.id, flow.redirect.searchParams.get('code') ?? '', flow.codeVerifier);

    expect(other.status).toBe(400);
    expect(other.body.error).toBe('invalid_grant');
  });

  test('renamed UPN keeps oid', async () => {
    const renamed = await admin<User>('PATCH', `/tenants/${fabrikam.id}/users/${bob.oid}`, { upn: 'robert.jones@fabrikam.test' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.oid).toBe(bob.oid);

    const { payload } = await signInAndVerify(fabrikam.id, 'robert.jones@fabrikam.test', fabrikam);
    const oldName = signIn({ tenant: fabrikam.id, login: 'bob@fabrikam.test' });

    expect(payload.oid).toBe(bob.oid);
    expect(payload.preferred_username).toBe('robert.jones@fabrikam.test');
    expect(payload.upn).toBe('robert.jones@fabrikam.test');
    await expect(oldName).rejects.toThrow(/AADSTS50034/);
  });

  test('login_hint pre-fills the form', async () => {
    const query = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      login_hint: 'alice@contoso.test',
    });

    const html = await (await fetch(`${base}/${contoso.id}/oauth2/v2.0/authorize?${query}`)).text();

    expect(html).toMatch(/<input type="text" id="login" name="login" value="alice@contoso.test"/);
  });

  test('unregistered redirect_uri is an error page', async () => {
    const query = new URLSearchParams({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: 'http://127.0.0.1:1/evil', scope: 'openid' });

    const response = await fetch(`${base}/${contoso.id}/oauth2/v2.0/authorize?${query}`, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('AADSTS50011');
  });

  test('admin rejects invalid input', async () => {
    const badDomain = await admin<Record<string, unknown>>('POST', `/tenants/${contoso.id}/users`, { upn: 'eve@elsewhere.test' });
    const badGuid = await admin<Record<string, unknown>>('POST', '/tenants', { tenantId: 'not-a-guid', domains: ['x.test'] });
    const badAssigned = await admin<Record<string, unknown>>('PUT', `/tenants/${contoso.id}/users/${alice.oid}/assignments/${CLIENT_ID}`, { assigned: 'yes' });

    expect(badDomain.status).toBe(400);
    expect(badDomain.body).toEqual({ code: 'upn_domain_not_verified', message: expect.stringContaining('contoso.test'), value: 'eve@elsewhere.test' });
    expect(badGuid.status).toBe(400);
    expect(badGuid.body.code).toBe('invalid_tenantId');
    expect(badAssigned.status).toBe(400);
    expect(badAssigned.body.code).toBe('invalid_assigned');
  });

  test('restart keeps tenants, users, clients and keys', async () => {
    const keysBefore = await (await fetch(`${base}/${contoso.id}/discovery/v2.0/keys`)).json();
    await stopProcess(standIn.child);

    standIn = await startStandIn(dataDir);
    base = standIn.baseUrl;
    const state = await admin<{ tenants: Tenant[]; clients: { clientId: string }[] }>('GET', '/state');
    const keysAfter = await (await fetch(`${base}/${contoso.id}/discovery/v2.0/keys`)).json();
    const { payload } = await signInAndVerify(contoso.id, 'alice@contoso.test', contoso);

    expect(state.body.tenants.map((tenant) => tenant.id).sort()).toEqual([contoso.id, fabrikam.id].sort());
    expect(state.body.clients.map((client) => client.clientId)).toEqual([CLIENT_ID]);
    expect(JSON.stringify(state.body)).not.toContain(CLIENT_SECRET);
    expect(keysAfter).toEqual(keysBefore);
    expect(payload.oid).toBe(alice.oid);
  });
});
