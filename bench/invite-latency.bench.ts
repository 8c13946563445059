// Invite latency through the gateway at 50 concurrent clients spread over 10 inboxes (set
// BENCH_INBOXES=1 for the worst case, every client writing to one inbox): HTTP → gateway → Kafka request →
// inbox service (verify session, decide, append to PostgreSQL, wait for the MongoDB projection)
// → Kafka reply → HTTP response. The raw baseline, measured in the same run at the same
// concurrency, writes one PostgreSQL row and one MongoDB document per request directly.
//
// Run: npm run bench:invite   (needs the local stack: bash scripts/stack.sh up)
import { randomUUID } from 'node:crypto';
import { mongo } from 'mongoose';
import { Pool } from 'pg';
import { signInWithMicrosoft, TestBrowser } from '../test/support/browser';
import { eventually } from '../test/support/processes';
import { EntraAdmin, MONGODB_SERVER, PLATFORM_ADMIN_TOKEN, startSystem } from '../test/support/system';
import { formatSummary, runConcurrently } from './stats';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const INVITES = Number(process.env.BENCH_INVITES ?? 2000);
const INBOXES = Number(process.env.BENCH_INBOXES ?? 10);
const WARM_UP = 100;
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://team_access:team_access@127.0.0.1:55432/team_access_test';

async function main(): Promise<void> {
  const system = await startSystem();
  try {
    const { organizationId, inboxIds, owner } = await prepareOrganization(system.gatewayUrl, new EntraAdmin(system.entraUrl));
    const csrf = owner.cookie(system.gatewayUrl, 'ta_csrf') ?? '';
    const runId = randomUUID().slice(0, 8);

    const invite = async (index: number) => {
      const inboxId = inboxIds[index % inboxIds.length];
      const response = await owner.request(`${system.gatewayUrl}/api/organizations/${organizationId}/inboxes/${inboxId}/invitations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
        body: JSON.stringify({ loginName: `bench-${runId}-${index}@contoso.example`, tier: 'member' }),
      });
      if (response.status !== 201) {
        throw new Error(`Invitation ${index} failed with HTTP ${response.status}: ${await response.text()}`);
      }
    };

    await runConcurrently(WARM_UP, CONCURRENCY, (index) => invite(INVITES + index));
    const started = performance.now();
    const latencies = await runConcurrently(INVITES, CONCURRENCY, invite);
    const seconds = (performance.now() - started) / 1000;

    const baseline = await measureBaseline();
    console.log(formatSummary(`invite via gateway (${CONCURRENCY} concurrent clients, ${INBOXES} inboxes)`, latencies));
    console.log(`  throughput: ${(INVITES / seconds).toFixed(0)} invites/s over ${seconds.toFixed(1)} s`);
    console.log(formatSummary(`raw baseline: one PostgreSQL insert + one MongoDB upsert (${CONCURRENCY} concurrent)`, baseline));
  } finally {
    await system.stop();
  }
}

async function prepareOrganization(gatewayUrl: string, entra: EntraAdmin) {
  const tenantId = await entra.createTenant(['contoso.example']);
  await entra.createUser(tenantId, { upn: 'admin@contoso.example', name: 'Bench Owner' });
  const created = await fetch(`${gatewayUrl}/platform/organizations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${PLATFORM_ADMIN_TOKEN}` },
    body: JSON.stringify({ name: 'Bench', ownerLoginName: 'admin@contoso.example', entraTenants: [{ tenantId, verifiedDomains: ['contoso.example'] }] }),
  });
  const organizationId = String(((await created.json()) as { organizationId: string }).organizationId);

  const owner = new TestBrowser();
  await eventually('the owner to sign in', async () => ((await signInWithMicrosoft(owner, gatewayUrl, 'admin@contoso.example')).status === 200 ? true : undefined));
  const csrf = () => owner.cookie(gatewayUrl, 'ta_csrf') ?? '';
  await owner.request(`${gatewayUrl}/api/me/terms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
    body: JSON.stringify({ termsVersion: '2026-01' }),
  });
  const inboxIds: string[] = [];
  for (let index = 0; index < INBOXES; index++) {
    const inbox = await owner.request(`${gatewayUrl}/api/organizations/${organizationId}/inboxes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
      body: JSON.stringify({ name: `Bench ${index}` }),
    });
    inboxIds.push(String(((await inbox.json()) as { inboxId: string }).inboxId));
  }
  return { organizationId, inboxIds, owner };
}

async function measureBaseline(): Promise<number[]> {
  const pool = new Pool({ connectionString: PG_URL, max: 10 });
  const client = await mongo.MongoClient.connect(MONGODB_SERVER);
  const table = `bench_baseline_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const database = client.db(`bench_${table}`);
  try {
    await pool.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, data jsonb NOT NULL)`);
    return await runConcurrently(INVITES, CONCURRENCY, async (index) => {
      const id = randomUUID();
      await pool.query(`INSERT INTO ${table} (id, data) VALUES ($1, $2)`, [id, JSON.stringify({ index, loginName: `baseline-${index}@contoso.example` })]);
      await database.collection<{ _id: string }>('memberships').updateOne({ _id: id }, { $set: { index, status: 'invited' } }, { upsert: true });
    });
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${table}`);
    await pool.end();
    await database.dropDatabase();
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
