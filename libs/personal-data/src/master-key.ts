import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const MASTER_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Decodes the configured master key (base64 of 32 random bytes, e.g. `openssl rand -base64 32`). */
export function parseMasterKey(base64: string | undefined, settingName = 'PERSONAL_DATA_MASTER_KEY'): Buffer {
  if (base64 === undefined || base64.trim() === '') {
    throw new Error(`${settingName} is missing. Set it to 32 random bytes in base64: openssl rand -base64 32`);
  }

  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES) {
    throw new Error(
      `${settingName} is invalid: it decodes to ${key.length} bytes, expected ${MASTER_KEY_BYTES}. ` +
        'Generate one with: openssl rand -base64 32',
    );
  }
  return key;
}

/**
 * Encrypts a data key with the master key (AES-256-GCM), binding it to the subject id as
 * additional authenticated data. Output layout: iv (12 bytes) | tag (16) | ciphertext.
 */
export function wrapKey(masterKey: Buffer, subjectId: string, dataKey: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(subjectId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
}

/** Reverses wrapKey. Throws when the master key differs or the stored value was altered. */
export function unwrapKey(masterKey: Buffer, subjectId: string, wrapped: Buffer): Buffer {
  const iv = wrapped.subarray(0, IV_BYTES);
  const tag = wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const ciphertext = wrapped.subarray(IV_BYTES + TAG_BYTES);

  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(subjectId, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (error: unknown) {
    throw new Error(
      `Unwrapping the data key of subject ${subjectId} failed: the master key differs from the one that wrapped it, ` +
        'or the stored key was altered. Check PERSONAL_DATA_MASTER_KEY.',
      { cause: error },
    );
  }
}
