// Command-line entry of the SMTP sink.
// Environment: SMTP_SINK_PORT (default 2525), SMTP_SINK_HTTP_PORT (default 4012; 0 picks a free
// port), SMTP_SINK_DATA (directory for messages.jsonl, optional).

import pino from 'pino';

import { start } from './smtp-sink.mjs';

const logger = pino({ name: 'smtp-sink' });

function parsePort(name, fallback) {
  const value = process.env[name] ?? fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

// Handlers are installed before start logs "listening", because supervisors and tests may send
// SIGTERM as soon as they read that line.
let sink;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    logger.info({ signal }, 'shutting down');
    await sink?.close();
    process.exit(0);
  });
}

try {
  sink = await start({
    smtpPort: parsePort('SMTP_SINK_PORT', '2525'),
    httpPort: parsePort('SMTP_SINK_HTTP_PORT', '4012'),
    dataDir: process.env.SMTP_SINK_DATA || undefined,
    logger,
  });
} catch (error) {
  logger.fatal({ err: error }, 'smtp sink failed to start');
  process.exit(1);
}
