import { z } from 'zod';
import { loadConfig, port, url } from '@team-access/config';
import { commonConfigShape, SECRET_SETTINGS } from '@team-access/runtime';

export function loadNotifierSettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      ...commonConfigShape,
      MONGODB_URL: commonConfigShape.MONGODB_URL.removeDefault().default('mongodb://127.0.0.1:27117/notifier'),
      NOTIFIER_HTTP_PORT: port.default(3003),
      HTTP_HOST: z.string().min(1).default('127.0.0.1'),
      SMTP_URL: url(['smtp', 'smtps']).default('smtp://127.0.0.1:2525'),
      MAIL_FROM: z.string().min(3).default('Team Access <no-reply@team-access.local>'),
      PUBLIC_BASE_URL: url(['http', 'https']).default('http://127.0.0.1:3000'),
    },
    env,
    [...SECRET_SETTINGS, 'SMTP_URL'],
  );
  return {
    ...config,
    httpPort: config.NOTIFIER_HTTP_PORT,
    httpHost: config.HTTP_HOST,
    sessionJwkFile: config.SESSION_JWK_FILE,
    kafkaBrokers: config.KAFKA_BROKERS,
  };
}
