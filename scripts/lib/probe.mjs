// Readiness probe for scripts/stack.sh: retries one check until it passes or a deadline expires.
//
// Usage: node scripts/lib/probe.mjs KIND TARGET [--timeout-ms N] [--pid PID]
//   kafka  host:port[,host:port]  a kafkajs admin client lists the topics
//   mongo  mongodb://...          the MongoDB `ping` command succeeds (mongodb driver)
//   http   http://...             GET returns a 2xx status
//
// Exit codes: 0 ready, 1 deadline expired (the last error is printed), 2 the watched process
// exited, 64 invalid usage. Polling between attempts is a short fixed interval, bounded by the
// deadline, never a wait that assumes readiness.
import { readFileSync } from 'node:fs';

import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

const ATTEMPT_TIMEOUT_MS = 2000;
const POLL_INTERVAL_MS = 250;

async function checkKafka(brokers) {
  const kafka = new Kafka({
    clientId: 'stack-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: ATTEMPT_TIMEOUT_MS,
    requestTimeout: ATTEMPT_TIMEOUT_MS,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();

  try {
    await admin.connect();
    await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function checkMongo(url) {
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: ATTEMPT_TIMEOUT_MS,
    connectTimeoutMS: ATTEMPT_TIMEOUT_MS,
  });

  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function checkHttp(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
  await response.arrayBuffer();

  if (!response.ok) {
    throw new Error(`GET ${url} returned HTTP ${response.status}`);
  }
}

const checks = { kafka: checkKafka, mongo: checkMongo, http: checkHttp };

function parseArguments(argv) {
  const [kind, target, ...rest] = argv;
  const options = { kind, target, timeoutMs: 60_000, pid: undefined };

  for (let index = 0; index < rest.length; index += 2) {
    const value = rest[index + 1];
    if (rest[index] === '--timeout-ms') {
      options.timeoutMs = Number(value);
    } else if (rest[index] === '--pid') {
      options.pid = value ? Number(value) : undefined;
    } else {
      throw new Error(`invalid option ${JSON.stringify(rest[index])}`);
    }
  }

  if (!(kind in checks) || !target || !Number.isFinite(options.timeoutMs)) {
    throw new Error(`usage: probe.mjs kafka|mongo|http TARGET [--timeout-ms N] [--pid PID]`);
  }

  return options;
}

// A process that exited but was not reaped yet (state Z in /proc) counts as exited.
function processAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function main() {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    return 64;
  }

  const check = checks[options.kind];
  const deadline = Date.now() + options.timeoutMs;
  let lastError = 'no attempt finished';

  while (Date.now() < deadline) {
    try {
      await check(options.target);
      return 0;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }

    if (options.pid !== undefined && !processAlive(options.pid)) {
      console.error(`process ${options.pid} exited before ${options.kind} ${options.target} became ready (last error: ${lastError})`);
      return 2;
    }

    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }

  console.error(`${options.kind} ${options.target} not ready within ${options.timeoutMs} ms (last error: ${lastError})`);
  return 1;
}

process.exitCode = await main();
