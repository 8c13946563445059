import { z } from 'zod';
import { loadConfig, port } from '@team-access/config';
import { commonConfigShape, SECRET_SETTINGS } from '@team-access/runtime';

export function loadInboxSettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      ...commonConfigShape,
      MONGODB_URL: commonConfigShape.MONGODB_URL.removeDefault().default('mongodb://127.0.0.1:27117/inbox'),
      INBOX_HTTP_PORT: port.default(3002),
      HTTP_HOST: z.string().min(1).default('127.0.0.1'),
      EVENT_STORE_PG_URL: z.string().url().default('postgres://team_access:team_access@127.0.0.1:55432/inbox'),
      PERSONAL_DATA_MASTER_KEY_FILE: z.string().min(1).default('.stack/keys/personal-data.key'),
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
