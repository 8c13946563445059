// Times inserting documents into a MongoDB-compatible server (FerretDB here), once one document per
// insertOne round trip and once in insertMany batches of 1,000. Used to choose FerretDB's backend.
//
// Usage: node scripts/lib/ferretdb-insert-bench.mjs [MONGODB_URL] [COUNT]
//   defaults: mongodb://127.0.0.1:27117/stack_bench and 10000. Writes to a fresh collection in
//   that database and drops it afterwards.
//
// Measured on 2026-12-04 on this project's 2-core Debian 12 machine, with other work running beside
// it. Setup: Node 20, mongodb driver 6.20.0, FerretDB 1.24.2 as built by scripts/stack.sh, and the
// stack's PostgreSQL 15 cluster. Each run inserted 10,000 documents of about 200 bytes:
//   sqlite backend:      insertOne 5.4-5.5 s (about 1,850/s), insertMany 0.37-0.39 s
//   postgresql backend:  insertOne 9.6 s (about 1,050/s),     insertMany 0.47 s
// Two runs for sqlite and one for postgresql: read them as estimates.
import { MongoClient } from 'mongodb';

const url = process.argv[2] ?? 'mongodb://127.0.0.1:27117/stack_bench';
const count = Number(process.argv[3] ?? 10_000);
const BATCH_SIZE = 1_000;

function makeDocument(index) {
  return {
    accountId: `acc-${index % 97}`,
    loginName: `user${index}@example.test`,
    tier: index % 3 === 0 ? 'owner' : 'member',
    grantedAt: new Date(1_700_000_000_000 + index * 1_000),
    history: [{ type: 'Granted', version: 1 }],
    sequence: index,
  };
}

async function timeInsertOne(collection) {
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    await collection.insertOne(makeDocument(index));
  }
  return performance.now() - started;
}

async function timeInsertMany(collection) {
  const started = performance.now();
  for (let offset = 0; offset < count; offset += BATCH_SIZE) {
    const size = Math.min(BATCH_SIZE, count - offset);
    const documents = Array.from({ length: size }, (_, index) => makeDocument(offset + index));
    await collection.insertMany(documents, { ordered: true });
  }
  return performance.now() - started;
}

function report(label, elapsedMs, collectionCount) {
  const perSecond = Math.round((count / elapsedMs) * 1000);
  console.log(`${label}: ${count} documents in ${(elapsedMs / 1000).toFixed(2)} s (${perSecond}/s), count after: ${collectionCount}`);
}

async function main() {
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`invalid COUNT ${JSON.stringify(process.argv[3])}: expected a positive whole number`);
  }

  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();

  try {
    const database = client.db();
    const suffix = `${Date.now()}`;

    const single = database.collection(`insert_one_${suffix}`);
    const singleMs = await timeInsertOne(single);
    report('insertOne', singleMs, await single.countDocuments());
    await single.drop();

    const batched = database.collection(`insert_many_${suffix}`);
    const batchedMs = await timeInsertMany(batched);
    report(`insertMany (batches of ${BATCH_SIZE})`, batchedMs, await batched.countDocuments());
    await batched.drop();
  } finally {
    await client.close();
  }
}

await main();
