// SMTP sink for tests and demos: accepts every message over plain SMTP (no auth, no TLS, any
// sender and recipient), keeps the newest ones in memory and serves them over a small HTTP API.
//
// HTTP API: GET /healthz; GET /messages[?to=<address>] returns a JSON array of
// {id, from, to[], subject, text, html, headers, receivedAt}, oldest first, filtered by envelope or
// header recipient (case-insensitive); DELETE /messages clears the store.

import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

import { simpleParser } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';

const DEFAULT_MAX_MESSAGES = 10_000;
const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

function addressesOf(field) {
  if (!field) {
    return [];
  }
  const groups = Array.isArray(field) ? field : [field];
  return groups.flatMap((group) => group.value.map((entry) => entry.address).filter(Boolean));
}

function headersToObject(headers) {
  const result = {};
  for (const [name, value] of headers) {
    result[name] = typeof value === 'object' && value !== null && 'text' in value ? value.text : value;
  }
  return result;
}

async function toStoredMessage(stream, session) {
  const parsed = await simpleParser(stream);
  const envelopeTo = session.envelope.rcptTo.map((recipient) => recipient.address);
  const headerTo = [...addressesOf(parsed.to), ...addressesOf(parsed.cc)];

  return {
    id: randomUUID(),
    from: session.envelope.mailFrom ? session.envelope.mailFrom.address : addressesOf(parsed.from)[0] ?? '',
    to: envelopeTo.length > 0 ? envelopeTo : headerTo,
    headerTo,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    headers: headersToObject(parsed.headers),
    receivedAt: new Date().toISOString(),
  };
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address().port);
    });
  });
}

/**
 * Starts the SMTP and HTTP listeners and resolves once both listen.
 * Options: smtpPort (default 2525), httpPort (default 4012; 0 picks a free port for either),
 * host (default 127.0.0.1), dataDir (append every message to messages.jsonl there),
 * maxMessages (default 10,000; the oldest are dropped first), logger (pino instance).
 */
export async function start(options = {}) {
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino({ name: 'smtp-sink' });
  const maxMessages = options.maxMessages ?? DEFAULT_MAX_MESSAGES;
  const journal = options.dataDir ? join(options.dataDir, 'messages.jsonl') : undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
  }
  const messages = [];

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      toStoredMessage(stream, session)
        .then((message) => {
          if (stream.sizeExceeded) {
            throw Object.assign(new Error(`message exceeds the ${MAX_MESSAGE_BYTES}-byte limit; send a smaller message`), { responseCode: 552 });
          }
          messages.push(message);
          if (messages.length > maxMessages) {
            messages.splice(0, messages.length - maxMessages);
          }
          if (journal) {
            appendFileSync(journal, `${JSON.stringify(message)}\n`);
          }
          logger.info({ id: message.id, recipients: message.to.length }, 'message received');
          callback(null, `queued as ${message.id}`);
        })
        .catch((error) => {
          logger.error({ err: error }, 'message rejected');
          callback(error);
        });
    },
  });
  smtp.on('error', (error) => logger.error({ err: error }, 'smtp server error'));

  const http = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink.invalid');

    if (url.pathname === '/healthz' && req.method === 'GET') {
      sendJson(res, 200, { status: 'ok', messages: messages.length });
      return;
    }
    if (url.pathname === '/messages' && req.method === 'GET') {
      const to = url.searchParams.get('to')?.trim().toLowerCase();
      const selected = to
        ? messages.filter((message) => [...message.to, ...message.headerTo].some((address) => address.toLowerCase() === to))
        : messages;
      sendJson(res, 200, selected.map(({ headerTo, ...message }) => message));
      return;
    }
    if (url.pathname === '/messages' && req.method === 'DELETE') {
      const cleared = messages.length;
      messages.length = 0;
      logger.info({ cleared }, 'messages cleared');
      sendJson(res, 200, { cleared });
      return;
    }
    sendJson(res, 404, { code: 'not_found', message: `no route for ${req.method} ${url.pathname}`, value: url.pathname });
  });

  const smtpPort = await listen(smtp.server, options.smtpPort ?? 2525, host);
  const httpPort = await listen(http, options.httpPort ?? 4012, host);
  logger.info({ host, smtpPort, httpPort, journal }, 'smtp sink listening');

  return {
    smtpPort,
    httpPort,
    async close() {
      await new Promise((resolve) => smtp.close(resolve));
      await new Promise((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      logger.info('smtp sink stopped');
    },
  };
}
