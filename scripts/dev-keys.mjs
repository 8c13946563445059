#!/usr/bin/env node
// Creates the local development keys once: the Ed25519 session-signing JWK and the master key
// that wraps per-person personal-data keys. Existing files are kept, so sessions and sealed
// data survive restarts. Production supplies its own keys through the same settings.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const sessionKeyPath = resolve(process.env.SESSION_JWK_FILE ?? '.stack/keys/session.jwk');
const masterKeyPath = resolve(process.env.PERSONAL_DATA_MASTER_KEY_FILE ?? '.stack/keys/personal-data.key');

function writeSecret(path, content) {
  // Only the key folder is private: its parents (such as .stack) must stay traversable for
  // the postgres user, whose data directory lives beside it.
  mkdirSync(dirname(dirname(path)), { recursive: true });
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
  console.log(`created ${path}`);
}

if (!existsSync(sessionKeyPath)) {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'EdDSA', use: 'sig' };
  writeSecret(sessionKeyPath, `${JSON.stringify(jwk, null, 2)}\n`);
}

if (!existsSync(masterKeyPath)) {
  writeSecret(masterKeyPath, `${randomBytes(32).toString('base64')}\n`);
}
