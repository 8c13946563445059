#!/usr/bin/env node
// Seeds the demo organization for `npm start`, idempotently: a Contoso tenant with two users in
// the local Entra stand-in, the gateway's client registration there, and the organization itself,
// created through the gateway's platform API (commands and events, never read models).
const gatewayUrl = process.env.PUBLIC_BASE_URL ?? 'http://127.0.0.1:3000';
const entraUrl = process.env.ENTRA_AUTHORITY_HOST ?? 'http://127.0.0.1:4011';
const clientId = process.env.ENTRA_CLIENT_ID ?? 'team-access-local';
const clientSecret = process.env.ENTRA_CLIENT_SECRET ?? 'local-development-only-entra-client-secret';
const platformToken = process.env.PLATFORM_ADMIN_TOKEN ?? 'local-development-only-platform-admin';

export const DEMO = {
  tenantId: '6f1b7c2e-3d4a-4e5f-8a9b-0c1d2e3f4a5b',
  organizationId: '0d3a9e64-1f2b-4c3d-9e8f-a1b2c3d4e5f6',
  owner: 'admin@contoso.example',
  member: 'jane.doe@contoso.example',
};

async function call(method, url, body, headers = {}) {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

/** Accepts a fresh creation, or the stand-in's error saying that the same thing already exists. */
function expectCreatedOrExisting(what, result, existingCodes) {
  if (result.status < 300 || existingCodes.includes(result.body.code)) {
    return;
  }
  throw new Error(`Seeding ${what} failed: HTTP ${result.status} ${JSON.stringify(result.body)}`);
}

async function seed() {
  expectCreatedOrExisting(
    'the client registration',
    await call('POST', `${entraUrl}/_admin/clients`, { clientId, clientSecret, redirectUris: [`${gatewayUrl}/auth/microsoft/callback`] }),
    [],
  );
  expectCreatedOrExisting('the Contoso tenant', await call('POST', `${entraUrl}/_admin/tenants`, { tenantId: DEMO.tenantId, domains: ['contoso.example'] }), ['tenant_exists']);

  for (const user of [
    { upn: DEMO.owner, name: 'Ada Admin' },
    { upn: DEMO.member, email: 'jd@contoso.example', name: 'Jane Doe' },
  ]) {
    const created = await call('POST', `${entraUrl}/_admin/tenants/${DEMO.tenantId}/users`, user);
    expectCreatedOrExisting(`user ${user.upn}`, created, ['upn_taken', 'user_exists']);
    if (created.body.oid) {
      await call('PUT', `${entraUrl}/_admin/tenants/${DEMO.tenantId}/users/${created.body.oid}/assignments/${clientId}`, { assigned: true });
    }
  }

  const organization = await call(
    'POST',
    `${gatewayUrl}/platform/organizations`,
    { organizationId: DEMO.organizationId, name: 'Contoso', ownerLoginName: DEMO.owner, entraTenants: [{ tenantId: DEMO.tenantId, verifiedDomains: ['contoso.example'] }] },
    { authorization: `Bearer ${platformToken}` },
  );
  expectCreatedOrExisting('the Contoso organization', organization, []);
}

await seed();
console.log(`Seeded organization Contoso (${DEMO.organizationId}) connected to Entra tenant ${DEMO.tenantId}.`);
