import { z } from 'zod';
import { loadConfig, port, url } from '@team-access/config';
import { commonConfigShape, eventSourcedConfigShape, SECRET_SETTINGS } from '@team-access/runtime';

const LOCAL_DEVELOPMENT_SECRET = 'local-development-only';

/**
 * Gateway settings. The Entra defaults point at the local stand-in with its demo client; a
 * production deployment sets ENTRA_AUTHORITY_HOST=https://login.microsoftonline.com and the app
 * registration's client id and secret.
 */
export function loadGatewaySettings(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(
    {
      ...commonConfigShape,
      ...eventSourcedConfigShape('org_admin'),
      ORG_ADMIN_HTTP_PORT: port.default(3000),
      HTTP_HOST: z.string().min(1).default('127.0.0.1'),
      PUBLIC_BASE_URL: url(['http', 'https']).default('http://127.0.0.1:3000'),
      PLATFORM_ADMIN_TOKEN: z.string().min(16, 'expected at least 16 characters').default(`${LOCAL_DEVELOPMENT_SECRET}-platform-admin`),
      ENTRA_AUTHORITY_HOST: url(['http', 'https']).default('http://127.0.0.1:4011'),
      ENTRA_CLIENT_ID: z.string().min(1).default('team-access-local'),
      ENTRA_CLIENT_SECRET: z.string().min(1).default(`${LOCAL_DEVELOPMENT_SECRET}-entra-client-secret`),
      OIDC_STATE_SECRET: z.string().min(32, 'expected at least 32 random characters').default(`${LOCAL_DEVELOPMENT_SECRET}-oidc-state-secret-0123456789`),
      SESSION_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    },
    env,
    SECRET_SETTINGS,
  );

  const publicBaseUrl = config.PUBLIC_BASE_URL.replace(/\/$/, '');
  return {
    ...config,
    httpPort: config.ORG_ADMIN_HTTP_PORT,
    httpHost: config.HTTP_HOST,
    sessionJwkFile: config.SESSION_JWK_FILE,
    kafkaBrokers: config.KAFKA_BROKERS,
    gateway: {
      publicBaseUrl,
      secureCookies: publicBaseUrl.startsWith('https://'),
      platformAdminToken: config.PLATFORM_ADMIN_TOKEN,
      sessionLifetimeSeconds: config.SESSION_LIFETIME_SECONDS,
      entra: {
        authorityHost: config.ENTRA_AUTHORITY_HOST,
        clientId: config.ENTRA_CLIENT_ID,
        clientSecret: config.ENTRA_CLIENT_SECRET,
        stateSecret: config.OIDC_STATE_SECRET,
      },
    },
  };
}

export type GatewaySettingsConfig = ReturnType<typeof loadGatewaySettings>;
