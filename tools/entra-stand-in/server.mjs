// Command-line entry of the Entra stand-in; see README.md in this folder.
// Environment: ENTRA_STAND_IN_PORT (default 4011, 0 picks a free port), ENTRA_STAND_IN_BASE_URL
// (default http://127.0.0.1:<port>), ENTRA_STAND_IN_DATA (directory for state.json, optional).

import pino from 'pino';

import { start } from './entra-stand-in.mjs';

const logger = pino({ name: 'entra-stand-in' });

function parsePort(value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`ENTRA_STAND_IN_PORT must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

// Handlers are installed before start logs "listening", because supervisors and tests may send
// SIGTERM as soon as they read that line.
let standIn;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, async () => {
    logger.info({ signal }, 'shutting down');
    await standIn?.close();
    process.exit(0);
  });
}

try {
  standIn = await start({
    port: parsePort(process.env.ENTRA_STAND_IN_PORT ?? '4011'),
    baseUrl: process.env.ENTRA_STAND_IN_BASE_URL || undefined,
    dataDir: process.env.ENTRA_STAND_IN_DATA || undefined,
    logger,
  });
} catch (error) {
  logger.fatal({ err: error }, 'entra stand-in failed to start');
  process.exit(1);
}
