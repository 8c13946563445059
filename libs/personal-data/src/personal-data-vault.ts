import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isSealedText, SealedText } from './sealed-text';
import { SubjectKeyLookup, SubjectKeyStore } from './subject-key-store.port';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Crypto-shredding of personal data inside immutable events. Each subject (a person) has
 * its own random data key, which `seal` encrypts with. `erase` deletes the key, so every value
 * sealed for the subject then opens as null while the events themselves stay unchanged.
 *
 * Keys are not cached between calls, so an erasure takes effect at once in every process that
 * shares the key store.
 */
export class PersonalDataVault {
  constructor(private readonly keys: SubjectKeyStore) {}

  /** Encrypts `plaintext` with the subject's data key, creating the key on first use. */
  async seal(subjectId: string, plaintext: string): Promise<SealedText> {
    assertSubjectId(subjectId);

    const lookup = await this.keys.findOrCreateKey(subjectId, randomBytes(KEY_BYTES));
    if (lookup.status !== 'active') {
      throw new Error(
        `Sealing personal data failed: subject ${subjectId} was erased, so no new data may be stored for it. ` +
          'Use a new subject id for a new person.',
      );
    }

    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, lookup.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(subjectId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);

    return {
      $sealed: {
        subject: subjectId,
        iv: iv.toString('base64'),
        ciphertext: ciphertext.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
      },
    };
  }

  /**
   * Returns the plaintext, or null when the subject's key was erased. Throws when the value
   * was altered (GCM authentication fails) or when the key store has no key for the subject.
   */
  async open(value: SealedText): Promise<string | null> {
    const lookup = await this.keys.findKey(value.$sealed.subject);
    return decrypt(value, lookup);
  }

  /** Deletes the subject's data key. Sealed values of the subject open as null afterwards. */
  async erase(subjectId: string): Promise<void> {
    assertSubjectId(subjectId);
    await this.keys.eraseKey(subjectId);
  }

  /**
   * Returns a copy of a JSON value with every sealed object replaced by its plaintext, or by
   * null for erased subjects. Each subject's key is looked up once per call.
   */
  async openDeep(data: unknown): Promise<unknown> {
    const lookups = new Map<string, Promise<SubjectKeyLookup>>();
    const findKey = (subjectId: string): Promise<SubjectKeyLookup> => {
      let lookup = lookups.get(subjectId);
      if (lookup === undefined) {
        lookup = this.keys.findKey(subjectId);
        lookups.set(subjectId, lookup);
      }
      return lookup;
    };

    const walk = async (value: unknown): Promise<unknown> => {
      if (isSealedText(value)) {
        return decrypt(value, await findKey(value.$sealed.subject));
      }
      if (Array.isArray(value)) {
        return Promise.all(value.map(walk));
      }
      if (typeof value === 'object' && value !== null) {
        const entries = await Promise.all(
          Object.entries(value).map(async ([key, child]) => [key, await walk(child)] as const),
        );
        return Object.fromEntries(entries);
      }
      return value;
    };

    return walk(data);
  }
}

function decrypt(value: SealedText, lookup: SubjectKeyLookup): string | null {
  const { subject } = value.$sealed;
  if (lookup.status === 'erased') {
    return null;
  }
  if (lookup.status === 'missing') {
    throw new Error(
      `Opening personal data failed: the key store has no key for subject ${subject}. ` +
        'Check that the service uses the key store that sealed the data.',
    );
  }

  const iv = Buffer.from(value.$sealed.iv, 'base64');
  const tag = Buffer.from(value.$sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error(
      `Opening personal data of subject ${subject} failed: the sealed value has a ${iv.length}-byte iv and a ` +
        `${tag.length}-byte tag, expected ${IV_BYTES} and ${TAG_BYTES}. The value was altered.`,
    );
  }

  try {
    const decipher = createDecipheriv(ALGORITHM, lookup.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(subject, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(value.$sealed.ciphertext, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch (error: unknown) {
    throw new Error(
      `Opening personal data of subject ${subject} failed: authentication failed, so the sealed value was altered ` +
        'or sealed for another subject.',
      { cause: error },
    );
  }
}

function assertSubjectId(subjectId: string): void {
  if (subjectId.length === 0) {
    throw new Error('Personal data vault: the subject id is empty. Pass the id of the person the data belongs to.');
  }
}
