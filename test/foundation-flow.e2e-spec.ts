// End-to-end: the four services run as real processes from dist/ against the real local stack
// (Kafka, FerretDB as the MongoDB-wire server, PostgreSQL as the event store), a real local
// OpenID provider standing in for Entra, and a real SMTP sink. Nothing is mocked; the test
// only drives HTTP like a browser and reads the stores directly to check where data landed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { mongo } from 'mongoose';
import { Client } from 'pg';
import { Topics } from '@team-access/contracts';
import { signInWithMicrosoft, TestBrowser } from './support/browser';
import { eventually } from './support/processes';
import { EntraAdmin, KAFKA_BROKERS, MONGODB_SERVER, PLATFORM_ADMIN_TOKEN, RunningSystem, startSystem } from './support/system';

const PG_URL = process.env.E2E_INBOX_PG_URL ?? 'postgres://team_access:team_access@127.0.0.1:55432/inbox';
const TERMS_VERSION = '2026-01';

interface Json {
  [key: string]: unknown;
}

describe('foundation flow', () => {
  let system: RunningSystem;
  let entra: EntraAdmin;
  let contosoTenant: string;
  let northwindTenant: string;
  let organizationId: string;
  let otherOrganizationId: string;
  let owner: TestBrowser;
  let supportInboxId: string;
  let janeMemberId: string;
  const correlationId = `e2e-${randomUUID()}`;

  async function api(
    browser: TestBrowser,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    raw?: { contentType: string; body: string },
  ): Promise<{ status: number; body: Json }> {
    const csrf = browser.cookie(system.gatewayUrl, 'ta_csrf');
    let payload: string | undefined = raw?.body;
    if (!raw && body !== undefined) {
      payload = JSON.stringify(body);
    }
    const response = await browser.request(`${system.gatewayUrl}${path}`, {
      method,
      headers: { 'content-type': raw?.contentType ?? 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}), ...headers },
      body: payload,
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function createOrganization(name: string, ownerLoginName: string, tenantId: string, domain: string): Promise<string> {
    const response = await fetch(`${system.gatewayUrl}/platform/organizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PLATFORM_ADMIN_TOKEN}` },
      body: JSON.stringify({ name, ownerLoginName, entraTenants: [{ tenantId, verifiedDomains: [domain] }] }),
    });
    expect(response.status).toBe(201);
    return String(((await response.json()) as Json).organizationId);
  }

  /** Signs in as a directory user, retrying while identity has not yet projected the organization. */
  async function signInUntilAccepted(browser: TestBrowser, login: string) {
    return eventually(`${login} to be able to sign in`, async () => {
      const attempt = await signInWithMicrosoft(browser, system.gatewayUrl, login);
      return attempt.status === 200 ? attempt : undefined;
    });
  }

  beforeAll(async () => {
    system = await startSystem();
    entra = new EntraAdmin(system.entraUrl);

    contosoTenant = await entra.createTenant(['contoso.example']);
    const fabrikamTenant = await entra.createTenant(['fabrikam.example']);
    northwindTenant = await entra.createTenant(['northwind.example']);
    await entra.createUser(contosoTenant, { upn: 'admin@contoso.example', name: 'Ada Admin' });
    await entra.createUser(contosoTenant, { upn: 'jane.doe@contoso.example', email: 'jd@contoso.example', name: 'Jane Doe' });
    await entra.createUser(contosoTenant, { upn: 'sam.uninvited@contoso.example', name: 'Sam Uninvited' });
    await entra.createUser(contosoTenant, { upn: 'pat.upn@contoso.example', email: 'pat.mail@contoso.example', name: 'Pat' });
    await entra.createUser(contosoTenant, { upn: 'ula.unassigned@contoso.example', name: 'Ula Unassigned' }, false);
    await entra.createUser(fabrikamTenant, { upn: 'fred@fabrikam.example', name: 'Fred Fabrikam' });
    await entra.createUser(northwindTenant, { upn: 'nina@northwind.example', name: 'Nina Northwind' });

    organizationId = await createOrganization('Contoso', 'admin@contoso.example', contosoTenant, 'contoso.example');
    otherOrganizationId = await createOrganization('Fabrikam', 'fred@fabrikam.example', fabrikamTenant, 'fabrikam.example');

    owner = new TestBrowser();
    const ownerSignIn = await signInUntilAccepted(owner, 'admin@contoso.example');
    expect(ownerSignIn.body.termsAccepted).toBe(false);
    expect((await api(owner, 'POST', '/api/me/terms', { termsVersion: TERMS_VERSION })).status).toBe(200);

    const inbox = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes`, { name: 'Support' });
    expect(inbox.status).toBe(201);
    supportInboxId = String(inbox.body.inboxId);
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('invites by UPN and appends, relays, projects and emails the invitation', async () => {
    const invite = await api(
      owner,
      'POST',
      `/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`,
      { loginName: 'Jane.Doe@contoso.example', tier: 'member' },
      { 'x-correlation-id': correlationId },
    );
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ created: true, status: 'invited' });
    janeMemberId = String(invite.body.memberId);

    const stored = await readStoredInvitation(janeMemberId);
    expect(stored.metadata).toMatchObject({ organizationId, correlationId, actor: { kind: 'user' } });
    expect(JSON.stringify(stored.data)).not.toContain('jane.doe');

    const published = await readPublishedEvent(janeMemberId);
    expect(published.headers['event-type']).toBe('inbox.member.invited');
    expect(published.headers['correlation-id']).toBe(correlationId);
    expect(published.key).toBe(`inbox-${supportInboxId}`);
    expect((published.value.data as Json).loginName).toBe('jane.doe@contoso.example');

    const projected = await readMembership(janeMemberId);
    expect(projected).toMatchObject({ organizationId, inboxId: supportInboxId, loginName: 'jane.doe@contoso.example', tier: 'member', status: 'invited' });

    const email = await eventually('the invitation email', async () => {
      const messages = (await (await fetch(`${system.smtpApiUrl}/messages?to=jane.doe@contoso.example`)).json()) as Array<{ subject: string; text: string }>;
      return messages.find((message) => message.subject.includes('Support'));
    });
    expect(email.text).toContain('/signin');
  });

  it('carries the correlation id across the Kafka hop into the notifier logs', async () => {
    const notifierLog = await eventually('the notifier to log the invitation email', async () => {
      const lines = readFileSync(logFile('notifier'), 'utf8').split('\n').filter((line) => line.includes('Invitation email sent'));
      return lines.find((line) => line.includes(janeMemberId));
    });
    const entry = JSON.parse(notifierLog) as Json;
    expect(entry).toMatchObject({ service: 'notifier', correlationId, organizationId });
  });

  it('answers a repeated invitation with the same result and no second event', async () => {
    const before = await countInboxEvents(supportInboxId);

    const again = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`, { loginName: ' jane.doe@CONTOSO.example ', tier: 'member' });

    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ memberId: janeMemberId, created: false });
    expect(await countInboxEvents(supportInboxId)).toBe(before);
  });

  it('rejects an invalid address with its value', async () => {
    const response = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`, { loginName: 'jane at contoso', tier: 'member' });

    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'inbox.login_name_invalid', value: 'jane at contoso' });
    expect(String((response.body.error as Json).fix)).toContain('user principal name');
  });

  it('answers an unknown inbox and another organization alike with 404', async () => {
    const unknown = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes/${randomUUID()}/invitations`, { loginName: 'x@contoso.example' });
    const foreignOrganization = await api(owner, 'POST', `/api/organizations/${otherOrganizationId}/inboxes/${randomUUID()}/invitations`, { loginName: 'x@contoso.example' });

    expect(unknown.status).toBe(404);
    expect((unknown.body.error as Json).code).toBe('inbox.not_found');
    expect(foreignOrganization.status).toBe(404);
  });

  it('hides another organization inbox behind the same 404', async () => {
    const fred = new TestBrowser();
    await signInUntilAccepted(fred, 'fred@fabrikam.example');
    expect((await api(fred, 'POST', '/api/me/terms', { termsVersion: TERMS_VERSION })).status).toBe(200);
    const fabrikamInbox = await api(fred, 'POST', `/api/organizations/${otherOrganizationId}/inboxes`, { name: 'Sales' });
    expect(fabrikamInbox.status).toBe(201);

    const crossing = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes/${String(fabrikamInbox.body.inboxId)}/invitations`, { loginName: 'x@contoso.example' });

    expect(crossing.status).toBe(404);
    expect((crossing.body.error as Json).code).toBe('inbox.not_found');
  });

  it('rejects a second organization on a connected tenant', async () => {
    const response = await fetch(`${system.gatewayUrl}/platform/organizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PLATFORM_ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'Contoso Again', ownerLoginName: 'mallory@contoso.example', entraTenants: [{ tenantId: contosoTenant, verifiedDomains: [] }] }),
    });

    expect(response.status).toBe(409);
    expect(((await response.json()) as { error: Json }).error).toMatchObject({ code: 'organization.tenant_already_connected', value: contosoTenant });
  });

  it.each([
    ['text/plain', 'loginName=x@contoso.example', 415, 'request.content_type_unsupported'],
    ['application/x-www-form-urlencoded', 'loginName=x@contoso.example', 415, 'request.content_type_unsupported'],
    ['application/json', '{"loginName": ', 400, 'request.body_invalid'],
    ['application/json', '["x@contoso.example"]', 400, 'request.body_invalid'],
    ['application/json; charset=latin1', '{"loginName":"x@contoso.example"}', 415, 'request.charset_unsupported'],
    ['application/json', JSON.stringify({ loginName: 'x'.repeat(200_000) }), 413, 'request.body_too_large'],
  ])('rejects a %s body %#', async (contentType, body, status, code) => {
    const response = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`, undefined, {}, { contentType, body });

    expect(response.status).toBe(status);
    expect((response.body.error as Json).code).toBe(code);
  });

  it('rejects an inbox name with a NUL character', async () => {
    const response = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes`, { name: 'Sales\u0000' });

    expect(response.status).toBe(400);
    expect((response.body.error as Json).code).toBe('inbox.name_invalid');
  });

  it('rejects a CSRF token of another session', async () => {
    const other = new TestBrowser();
    await signInUntilAccepted(other, 'admin@contoso.example');
    const foreignCsrf = other.cookie(system.gatewayUrl, 'ta_csrf') ?? '';

    const response = await owner.request(`${system.gatewayUrl}/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': foreignCsrf },
      body: JSON.stringify({ loginName: 'x@contoso.example' }),
    });

    expect(foreignCsrf).not.toBe('');
    expect(response.status).toBe(403);
  });

  it('rejects a request without a session with 401', async () => {
    const response = await fetch(`${system.gatewayUrl}/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginName: 'x@contoso.example' }),
    });

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: Json }).error.code).toBe('session.missing');
  });

  it('rejects a cookie-authenticated write without the CSRF token', async () => {
    const response = await owner.request(`${system.gatewayUrl}/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loginName: 'x@contoso.example' }),
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: Json }).error.code).toBe('csrf.token_invalid');
  });

  it('lets Jane claim the invitation by UPN, accept the terms and see Support', async () => {
    const jane = new TestBrowser();

    const signIn = await signInWithMicrosoft(jane, system.gatewayUrl, 'jane.doe@contoso.example');
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({ signedIn: true, termsAccepted: false, next: `/terms?version=${TERMS_VERSION}` });

    const beforeTerms = await api(jane, 'GET', '/api/me/inboxes');
    expect(beforeTerms.status).toBe(403);
    expect((beforeTerms.body.error as Json).code).toBe('terms.not_accepted');

    expect((await api(jane, 'POST', '/api/me/terms', { termsVersion: TERMS_VERSION })).status).toBe(200);

    const inboxes = await eventually('Support in Jane\'s inboxes', async () => {
      const listed = await api(jane, 'GET', '/api/me/inboxes');
      const found = (listed.body.inboxes as Json[] | undefined)?.find((inbox) => inbox.inboxId === supportInboxId);
      return found;
    });
    expect(inboxes).toMatchObject({ name: 'Support', tier: 'member', status: 'active', organizationId });

    const me = await api(jane, 'GET', '/api/me');
    expect(me.body).toMatchObject({ loginName: 'jane.doe@contoso.example', organizationId, organizationOwner: false });

    const secondSignIn = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'jane.doe@contoso.example');
    expect(secondSignIn.body.userId).toBe(signIn.body.userId);
    expect(secondSignIn.body.termsAccepted).toBe(true);
  });

  it('gives a signed-in person a later invitation at once', async () => {
    const billing = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes`, { name: 'Billing' });
    const invite = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes/${String(billing.body.inboxId)}/invitations`, {
      loginName: 'jane.doe@contoso.example',
      tier: 'manager',
    });
    expect(invite.status).toBe(201);
    expect(invite.body.status).toBe('active');

    const jane = new TestBrowser();
    expect((await signInWithMicrosoft(jane, system.gatewayUrl, 'jane.doe@contoso.example')).status).toBe(200);
    const listed = await api(jane, 'GET', '/api/me/inboxes');
    const names = (listed.body.inboxes as Json[]).map((inbox) => `${String(inbox.name)}:${String(inbox.tier)}`);

    expect(names).toEqual(['Billing:manager', 'Support:member']);
  });

  it('never matches an invitation by the email claim', async () => {
    const invite = await api(owner, 'POST', `/api/organizations/${organizationId}/inboxes/${supportInboxId}/invitations`, { loginName: 'pat.mail@contoso.example' });
    expect(invite.status).toBe(201);

    const signIn = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'pat.upn@contoso.example');

    expect(signIn.status).toBe(403);
    expect((signIn.body.error as Json).code).toBe('sign_in.no_invitation');
  });

  it('tells a never-invited user of the tenant plainly', async () => {
    const signIn = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'sam.uninvited@contoso.example');

    expect(signIn.status).toBe(403);
    expect(signIn.body.error).toMatchObject({ code: 'sign_in.no_invitation' });
    expect(String((signIn.body.error as Json).message)).toContain('no inbox has invited you');
    expect(String((signIn.body.error as Json).fix)).toContain('invite you');
  });

  it('refuses a user of a tenant no organization connected, naming the cause', async () => {
    const signIn = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'nina@northwind.example');

    expect(signIn.status).toBe(403);
    expect(signIn.body.error).toMatchObject({ code: 'sign_in.tenant_not_connected' });
    expect(String((signIn.body.error as Json).message)).toContain(northwindTenant);
  });

  it('turns Entra refusals into clear pages', async () => {
    const unassigned = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'ula.unassigned@contoso.example');
    const cancelled = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'jane.doe@contoso.example', 'cancel');

    expect(unassigned.status).toBe(403);
    expect((unassigned.body.error as Json).code).toBe('sign_in.entra_user_not_assigned');
    expect(cancelled.status).toBe(403);
    expect((cancelled.body.error as Json).code).toBe('sign_in.entra_cancelled');
  });

  it('rejects an error callback that this browser did not start', async () => {
    const forged = await new TestBrowser().request(`${system.gatewayUrl}/auth/microsoft/callback?error=access_denied&error_description=AADSTS50105%3A+forged`, {
      headers: { accept: 'application/json' },
    });
    const empty = await new TestBrowser().request(`${system.gatewayUrl}/auth/microsoft/callback`, { headers: { accept: 'application/json' } });

    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: Json }).error.code).toBe('sign_in.request_invalid');
    expect(empty.status).toBe(400);
  });

  it('keeps session tokens, codes and state out of the logs', async () => {
    const browser = new TestBrowser();
    const signIn = await signInWithMicrosoft(browser, system.gatewayUrl, 'jane.doe@contoso.example');
    const token = String(signIn.body.sessionToken);
    await api(browser, 'GET', '/api/me/inboxes');

    for (const service of ['org-admin', 'identity', 'inbox', 'notifier']) {
      const log = readFileSync(logFile(service), 'utf8');
      expect({ service, containsToken: log.includes(token.slice(-40)) }).toEqual({ service, containsToken: false });
      expect({ service, containsCode: /[?&]code=/.test(log) }).toEqual({ service, containsCode: false });
      expect({ service, containsState: /[?&]state=/.test(log) }).toEqual({ service, containsState: false });
      expect({ service, containsCsrf: log.includes('x-csrf-token') }).toEqual({ service, containsCsrf: false });
    }
  });

  it('logs each gateway request with its correlation and organization ids', async () => {
    const line = readFileSync(logFile('org-admin'), 'utf8')
      .split('\n')
      .find((entry) => entry.includes('"msg":"request completed"') && entry.includes(`/api/organizations/${organizationId}/`));

    expect(line).toBeDefined();
    expect(JSON.parse(String(line))).toMatchObject({ service: 'org-admin', organizationId, correlationId: expect.any(String) });
  });

  it('rejects a callback whose state does not match the browser', async () => {
    const browser = new TestBrowser();
    const response = await browser.request(`${system.gatewayUrl}/auth/microsoft/callback?code=forged&state=forged`, { headers: { accept: 'application/json' } });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: Json }).error.code).toBe('sign_in.request_invalid');
  });

  it('stops every service gracefully on SIGTERM', async () => {
    const exitCodes = await system.stop();

    for (const service of ['org-admin', 'notifier', 'inbox', 'identity']) {
      expect({ service, exitCode: exitCodes[`e2e-${service}`] }).toEqual({ service, exitCode: 0 });
      const lines = readFileSync(logFile(service), 'utf8');
      expect(lines).toContain('"msg":"Service stopping"');
      expect(lines).toContain('"msg":"Infrastructure stopped"');
    }
  });

  function logFile(service: string): string {
    return `${__dirname}/../.stack/logs/tests/e2e-${service}.log`;
  }

  async function readStoredInvitation(memberId: string): Promise<{ data: Json; metadata: Json }> {
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const result = await client.query<{ data: Json; metadata: Json }>(
        `SELECT data, metadata FROM ${system.eventStoreSchema}.events WHERE type = 'inbox.member.invited' AND data->>'memberId' = $1`,
        [memberId],
      );
      expect(result.rows).toHaveLength(1);
      return result.rows[0];
    } finally {
      await client.end();
    }
  }

  async function countInboxEvents(inboxId: string): Promise<number> {
    const client = new Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const result = await client.query<{ count: string }>(`SELECT count(*) FROM ${system.eventStoreSchema}.events WHERE stream_id = $1`, [`inbox-${inboxId}`]);
      return Number(result.rows[0].count);
    } finally {
      await client.end();
    }
  }

  async function readMembership(memberId: string): Promise<Json> {
    const client = await mongo.MongoClient.connect(MONGODB_SERVER);
    try {
      const document = await client.db(system.mongoDatabase('inbox')).collection<{ _id: string }>('memberships_v1').findOne({ _id: memberId });
      expect(document).not.toBeNull();
      return document as unknown as Json;
    } finally {
      await client.close();
    }
  }

  async function readPublishedEvent(memberId: string): Promise<{ key: string; headers: Record<string, string>; value: Json }> {
    const kafka = new Kafka({ clientId: 'e2e-reader', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `e2e-reader-${randomUUID()}` });
    await consumer.connect();
    // Topics.inboxEvents carries this process's namespace; the services run in the system's own.
    await consumer.subscribe({ topic: `${system.kafkaNamespace}${Topics.inboxEvents}`, fromBeginning: true });

    let found: { key: string; headers: Record<string, string>; value: Json } | undefined;
    await consumer.run({
      eachMessage: async ({ message }) => {
        const value = JSON.parse(message.value?.toString() ?? '{}') as Json;
        if ((value.data as Json | undefined)?.memberId === memberId) {
          const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, String(header)]));
          found = { key: message.key?.toString() ?? '', headers, value };
        }
      },
    });
    try {
      return await eventually('the invitation on Kafka', async () => found, 30_000);
    } finally {
      await consumer.disconnect();
    }
  }
});
