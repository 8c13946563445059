import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { JWK } from 'jose';
import { z } from 'zod';
import { ConfigError, hostPortList, url } from '@team-access/config';

/**
 * Settings every service reads. Defaults point at the local stack that scripts/stack.sh starts,
 * so `npm start` works without any environment.
 */
export const commonConfigShape = {
  KAFKA_BROKERS: hostPortList.default('127.0.0.1:19092'),
  MONGODB_URL: url(['mongodb']).default('mongodb://127.0.0.1:27117/team_access'),
  EVENT_STORE: z.enum(['postgres', 'eventstoredb']).default('postgres'),
  EVENTSTOREDB_URL: url(['esdb', 'esdb+discover']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** JWK file with the Ed25519 session key; services other than identity use only its public part. */
  SESSION_JWK_FILE: z.string().min(1).default('.stack/keys/session.jwk'),
};

/** Settings of a service that keeps events: its own event-store database and the master key file. */
export function eventSourcedConfigShape(database: string) {
  return {
    MONGODB_URL: commonConfigShape.MONGODB_URL.removeDefault().default(`mongodb://127.0.0.1:27117/${database}`),
    EVENT_STORE_PG_URL: z.string().url().default(`postgres://team_access:team_access@127.0.0.1:55432/${database}`),
    EVENT_STORE_PG_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case PostgreSQL schema name').default('event_store'),
    PERSONAL_DATA_MASTER_KEY_FILE: z.string().min(1).default('.stack/keys/personal-data.key'),
  };
}

export const SECRET_SETTINGS = ['PERSONAL_DATA_MASTER_KEY', 'ENTRA_CLIENT_SECRET', 'OIDC_STATE_SECRET', 'PLATFORM_ADMIN_TOKEN'];

/** Base64 of exactly 32 bytes. */
export const base64Key32 = z
  .string()
  .trim()
  .refine((value) => Buffer.from(value, 'base64').length === 32, { message: 'expected base64 of exactly 32 random bytes (openssl rand -base64 32)' });

/** Reads a JWK file, naming the setting and the path when it fails. */
export function readJwkFile(settingName: string, path: string): JWK {
  const absolute = resolve(path);
  try {
    const jwk = JSON.parse(readFileSync(absolute, 'utf8')) as JWK;
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') {
      throw new Error('expected an Ed25519 key (kty OKP, crv Ed25519)');
    }
    return jwk;
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([`${settingName} (${JSON.stringify(path)}): cannot read a session JWK from ${absolute}: ${reason}. Run "npm run keys" to create a local one.`]);
  }
}
