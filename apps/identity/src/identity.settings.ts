import { z } from 'zod';
import { loadConfig, port } from '@team-access/config';
import { commonConfigShape, eventSourcedConfigShape, SECRET_SETTINGS } from '@team-access/runtime';

export function loadIdentitySettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      ...commonConfigShape,
      ...eventSourcedConfigShape('identity'),
      IDENTITY_HTTP_PORT: port.default(3001),
      HTTP_HOST: z.string().min(1).default('127.0.0.1'),
      TERMS_VERSION: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'expected a short version label such as 2026-01').default('2026-01'),
      SESSION_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    },
    env,
    SECRET_SETTINGS,
  );
  return {
    ...config,
    httpPort: config.IDENTITY_HTTP_PORT,
    httpHost: config.HTTP_HOST,
    sessionJwkFile: config.SESSION_JWK_FILE,
    kafkaBrokers: config.KAFKA_BROKERS,
  };
}

export type IdentitySettingsConfig = ReturnType<typeof loadIdentitySettings>;
