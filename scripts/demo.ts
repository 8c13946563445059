// `npm run demo`: runs the foundation flow against the real local stack and prints what happened.
// It starts its own Entra stand-in, SMTP sink and the four services (ports 3100-3103), exactly as
// the end-to-end test does, and stops them at the end.
import { signInWithMicrosoft, TestBrowser } from '../test/support/browser';
import { eventually } from '../test/support/processes';
import { EntraAdmin, PLATFORM_ADMIN_TOKEN, startSystem } from '../test/support/system';

const TERMS_VERSION = process.env.TERMS_VERSION ?? '2026-01';

type Json = Record<string, unknown>;

function step(text: string): void {
  console.log(`- ${text}`);
}

async function main(): Promise<void> {
  console.log('Starting the four services against Kafka, FerretDB and PostgreSQL...');
  const system = await startSystem();
  try {
    const entra = new EntraAdmin(system.entraUrl);
    const tenant = await entra.createTenant(['contoso.example']);
    const otherTenant = await entra.createTenant(['fabrikam.example']);
    await entra.createUser(tenant, { upn: 'admin@contoso.example', name: 'Ada Admin' });
    await entra.createUser(tenant, { upn: 'jane.doe@contoso.example', email: 'jd@contoso.example', name: 'Jane Doe' });
    await entra.createUser(tenant, { upn: 'sam@contoso.example', name: 'Sam' });
    await entra.createUser(otherTenant, { upn: 'fred@fabrikam.example', name: 'Fred' });
    step(`Entra stand-in: tenant ${tenant} (contoso.example) with admin, Jane (email jd@contoso.example) and Sam; tenant ${otherTenant} with Fred`);

    const created = await fetch(`${system.gatewayUrl}/platform/organizations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PLATFORM_ADMIN_TOKEN}` },
      body: JSON.stringify({ name: 'Contoso', ownerLoginName: 'admin@contoso.example', entraTenants: [{ tenantId: tenant, verifiedDomains: ['contoso.example'] }] }),
    });
    const organizationId = String(((await created.json()) as Json).organizationId);
    step(`Organization Contoso ${organizationId} created with owner admin@contoso.example and connected to tenant ${tenant}`);

    const owner = new TestBrowser();
    await eventually('the owner to sign in', async () => ((await signInWithMicrosoft(owner, system.gatewayUrl, 'admin@contoso.example')).status === 200 ? true : undefined));
    await call(owner, system.gatewayUrl, 'POST', '/api/me/terms', { termsVersion: TERMS_VERSION });
    const inbox = await call(owner, system.gatewayUrl, 'POST', `/api/organizations/${organizationId}/inboxes`, { name: 'Support' });
    step(`The owner signed in with Microsoft, accepted the terms and created inbox "Support" (${String(inbox.inboxId)})`);

    const invitation = await call(owner, system.gatewayUrl, 'POST', `/api/organizations/${organizationId}/inboxes/${String(inbox.inboxId)}/invitations`, {
      loginName: 'Jane.Doe@contoso.example',
      tier: 'member',
    });
    step(`The owner invited Jane.Doe@contoso.example as member: member ${String(invitation.memberId)}, status ${String(invitation.status)}`);

    const email = await eventually('the invitation email', async () => {
      const messages = (await (await fetch(`${system.smtpApiUrl}/messages?to=jane.doe@contoso.example`)).json()) as Array<{ subject: string }>;
      return messages[0];
    });
    step(`The notifier emailed jane.doe@contoso.example: "${email.subject}"`);

    const jane = new TestBrowser();
    const janeSignIn = await signInWithMicrosoft(jane, system.gatewayUrl, 'jane.doe@contoso.example');
    step(`Jane signed in with Microsoft (preferred_username jane.doe@contoso.example, email jd@contoso.example): user ${String(janeSignIn.body.userId)}, next ${String(janeSignIn.body.next)}`);
    await call(jane, system.gatewayUrl, 'POST', '/api/me/terms', { termsVersion: TERMS_VERSION });
    const inboxes = await eventually('Support in Jane\'s inboxes', async () => {
      const listed = (await call(jane, system.gatewayUrl, 'GET', '/api/me/inboxes')).inboxes as Json[];
      return listed.length > 0 ? listed : undefined;
    });
    step(`Jane accepted the terms and lists her inboxes: ${inboxes.map((entry) => `${String(entry.name)} (${String(entry.tier)})`).join(', ')}`);

    const sam = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'sam@contoso.example');
    step(`Sam, never invited, was refused (${sam.status}): ${String((sam.body.error as Json).message)}`);
    const fred = await signInWithMicrosoft(new TestBrowser(), system.gatewayUrl, 'fred@fabrikam.example');
    step(`Fred, of another tenant, was refused (${fred.status}): ${String((fred.body.error as Json).message)}`);

    const refusalsAsExpected = sam.status === 403 && fred.status === 403 && inboxes.some((entry) => entry.name === 'Support');
    if (!refusalsAsExpected) {
      throw new Error('The flow did not end as expected; see the lines above.');
    }
    console.log('Demo finished: every step behaved as expected.');
  } finally {
    await system.stop();
  }
}

async function call(browser: TestBrowser, gatewayUrl: string, method: string, path: string, body?: unknown): Promise<Json> {
  const csrf = browser.cookie(gatewayUrl, 'ta_csrf');
  const response = await browser.request(`${gatewayUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Json;
  if (response.status >= 400) {
    throw new Error(`${method} ${path} failed with ${response.status}: ${JSON.stringify(json)}`);
  }
  return json;
}

main().catch((error: unknown) => {
  console.error(`Demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
