// Real: the SMTP sink started as a child process (`node server.mjs`), nodemailer sending over
// SMTP on loopback, and the sink's HTTP API read with fetch. Nothing is mocked.

import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import nodemailer from 'nodemailer';

interface StoredMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, unknown>;
  receivedAt: string;
}

interface RunningSink {
  child: ChildProcess;
  smtpPort: number;
  httpPort: number;
}

const STARTUP_DEADLINE_MS = 15_000;

// Starts the sink on free ports and resolves with the ports from its "listening" log line.
function startSink(dataDir: string): Promise<RunningSink> {
  const child = spawn(process.execPath, [join(__dirname, 'server.mjs')], {
    env: { ...process.env, SMTP_SINK_PORT: '0', SMTP_SINK_HTTP_PORT: '0', SMTP_SINK_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  return new Promise((resolve, reject) => {
    if (!child.stdout) {
      reject(new Error('child process has no stdout pipe'));
      return;
    }
    const output = child.stdout;
    const timer = setTimeout(() => reject(new Error(`smtp sink did not log "listening" within ${STARTUP_DEADLINE_MS} ms`)), STARTUP_DEADLINE_MS);
    child.once('exit', (code) => reject(new Error(`smtp sink exited with code ${code} before listening`)));

    createInterface({ input: output }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; smtpPort?: number; httpPort?: number };
      if (entry.msg === 'smtp sink listening' && entry.smtpPort && entry.httpPort) {
        clearTimeout(timer);
        resolve({ child, smtpPort: entry.smtpPort, httpPort: entry.httpPort });
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

describe('smtp sink', () => {
  let dataDir: string;
  let sink: RunningSink;
  let api: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'smtp-sink-'));
    sink = await startSink(dataDir);
    api = `http://127.0.0.1:${sink.httpPort}`;
  });

  afterAll(async () => {
    await stopProcess(sink.child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    const response = await fetch(`${api}/messages`, { method: 'DELETE' });
    expect(response.status).toBe(200);
  });

  async function messagesFor(address?: string): Promise<StoredMessage[]> {
    const query = address ? `?to=${encodeURIComponent(address)}` : '';
    const response = await fetch(`${api}/messages${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as StoredMessage[];
  }

  function transport() {
    return nodemailer.createTransport({ host: '127.0.0.1', port: sink.smtpPort, secure: false, ignoreTLS: true });
  }

  test('healthz answers ok', async () => {
    const response = await fetch(`${api}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
  });

  test('sent message reads back by recipient', async () => {
    await transport().sendMail({
      from: 'Team Access <noreply@team-access.test>',
      to: 'Bob.Jones@Fabrikam.test',
      subject: 'You were granted access',
      text: 'Hello Bob, plain body',
      html: '<p>Hello Bob, <b>html</b> body</p>',
      headers: { 'X-Correlation-Id': 'corr-42' },
    });

    const messages = await messagesFor('bob.jones@fabrikam.test');

    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message.from).toBe('noreply@team-access.test');
    // nodemailer lowercases the domain part of envelope addresses.
    expect(message.to).toEqual(['Bob.Jones@fabrikam.test']);
    expect(message.subject).toBe('You were granted access');
    expect(message.text.trim()).toBe('Hello Bob, plain body');
    expect(message.html).toContain('<b>html</b>');
    expect(message.headers['x-correlation-id']).toBe('corr-42');
    expect(Number.isNaN(Date.parse(message.receivedAt))).toBe(false);
    expect(message.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('filter excludes other recipients and keeps order', async () => {
    const mailer = transport();
    await mailer.sendMail({ from: 'a@team-access.test', to: 'carol@contoso.test', subject: 'first', text: '1' });
    await mailer.sendMail({ from: 'a@team-access.test', to: 'dave@contoso.test', subject: 'other', text: '2' });
    await mailer.sendMail({ from: 'a@team-access.test', to: 'carol@contoso.test', subject: 'second', text: '3' });

    const carol = await messagesFor('CAROL@contoso.test');
    const all = await messagesFor();

    expect(carol.map((message) => message.subject)).toEqual(['first', 'second']);
    expect(all.map((message) => message.subject)).toEqual(['first', 'other', 'second']);
  });

  test('delete clears messages', async () => {
    await transport().sendMail({ from: 'a@team-access.test', to: 'erin@contoso.test', subject: 'gone', text: 'x' });
    expect(await messagesFor('erin@contoso.test')).toHaveLength(1);

    await fetch(`${api}/messages`, { method: 'DELETE' });

    expect(await messagesFor()).toEqual([]);
  });

  test('journal file gets every message', async () => {
    await transport().sendMail({ from: 'a@team-access.test', to: 'frank@contoso.test', subject: 'journaled', text: 'x' });

    const lines = readFileSync(join(dataDir, 'messages.jsonl'), 'utf8').trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]) as StoredMessage;

    expect(last.subject).toBe('journaled');
    expect(last.to).toEqual(['frank@contoso.test']);
  });

  test('SIGTERM stops the sink cleanly', async () => {
    const secondDataDir = mkdtempSync(join(tmpdir(), 'smtp-sink-stop-'));
    const second = await startSink(secondDataDir);

    const exitCode = await stopProcess(second.child);
    rmSync(secondDataDir, { recursive: true, force: true });

    expect(exitCode).toBe(0);
  });
});
