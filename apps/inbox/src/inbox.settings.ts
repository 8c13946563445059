import { z } from 'zod';
import { loadConfig, port } from '@team-access/config';
import { commonConfigShape, eventSourcedConfigShape, SECRET_SETTINGS } from '@team-access/runtime';

export function loadInboxSettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      ...commonConfigShape,
      ...eventSourcedConfigShape('inbox'),
      INBOX_HTTP_PORT: port.default(3002),
      HTTP_HOST: z.string().min(1).default('127.0.0.1'),
    },
    env,
    SECRET_SETTINGS,
  );
  return {
    ...config,
    httpPort: config.INBOX_HTTP_PORT,
    httpHost: config.HTTP_HOST,
    sessionJwkFile: config.SESSION_JWK_FILE,
    kafkaBrokers: config.KAFKA_BROKERS,
  };
}

export type InboxSettings = ReturnType<typeof loadInboxSettings>;
