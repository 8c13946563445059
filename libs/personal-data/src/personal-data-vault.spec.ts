// Unit tests of PersonalDataVault with the in-memory key store. Encryption is real
// (node:crypto AES-256-GCM); nothing is mocked.
import { randomBytes } from 'node:crypto';
import { InMemorySubjectKeyStore } from './in-memory-subject-key-store';
import { parseMasterKey, unwrapKey, wrapKey } from './master-key';
import { PersonalDataVault } from './personal-data-vault';
import { isSealedText, SealedText } from './sealed-text';

function withCiphertextByteFlipped(sealed: SealedText): SealedText {
  const bytes = Buffer.from(sealed.$sealed.ciphertext, 'base64');
  bytes[0] ^= 0x01;
  return { $sealed: { ...sealed.$sealed, ciphertext: bytes.toString('base64') } };
}

describe('PersonalDataVault', () => {
  let vault: PersonalDataVault;

  beforeEach(() => {
    vault = new PersonalDataVault(new InMemorySubjectKeyStore());
  });

  it('seals to a JSON-safe value that opens to the plaintext', async () => {
    const sealed = await vault.seal('member-1', 'ada@example.org');
    const roundTripped: unknown = JSON.parse(JSON.stringify(sealed));

    expect(isSealedText(roundTripped)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('ada@example.org');
    expect(sealed.$sealed.subject).toBe('member-1');
    expect(await vault.open(roundTripped as SealedText)).toBe('ada@example.org');
  });

  it('uses a fresh iv for every seal', async () => {
    const first = await vault.seal('member-1', 'same text');
    const second = await vault.seal('member-1', 'same text');

    expect(first.$sealed.iv).not.toBe(second.$sealed.iv);
    expect(first.$sealed.ciphertext).not.toBe(second.$sealed.ciphertext);
  });

  it('opens as null after erase, for that subject only', async () => {
    const erasedValue = await vault.seal('member-1', 'ada@example.org');
    const otherSubjectValue = await vault.seal('member-2', 'grace@example.org');

    await vault.erase('member-1');

    expect(await vault.open(erasedValue)).toBeNull();
    expect(await vault.open(otherSubjectValue)).toBe('grace@example.org');
  });

  it('rejects sealing for an erased subject', async () => {
    await vault.seal('member-1', 'ada@example.org');
    await vault.erase('member-1');

    await expect(vault.seal('member-1', 'again')).rejects.toThrow('subject member-1 was erased');
  });

  it('detects a tampered ciphertext', async () => {
    const sealed = await vault.seal('member-1', 'ada@example.org');

    await expect(vault.open(withCiphertextByteFlipped(sealed))).rejects.toThrow('authentication failed');
  });

  it('detects a tampered tag', async () => {
    const sealed = await vault.seal('member-1', 'ada@example.org');
    const tag = Buffer.from(sealed.$sealed.tag, 'base64');
    tag[15] ^= 0x80;

    await expect(vault.open({ $sealed: { ...sealed.$sealed, tag: tag.toString('base64') } })).rejects.toThrow(
      'authentication failed',
    );
  });

  it('detects a value moved to another subject', async () => {
    const sealed = await vault.seal('member-1', 'ada@example.org');
    await vault.seal('member-2', 'grace@example.org');

    await expect(vault.open({ $sealed: { ...sealed.$sealed, subject: 'member-2' } })).rejects.toThrow(
      'authentication failed',
    );
  });

  it('rejects a truncated iv', async () => {
    const sealed = await vault.seal('member-1', 'ada@example.org');

    await expect(vault.open({ $sealed: { ...sealed.$sealed, iv: 'AAAA' } })).rejects.toThrow('3-byte iv');
  });

  it('rejects a subject the key store does not know', async () => {
    const sealed = await vault.seal('member-1', 'ada@example.org');
    const otherVault = new PersonalDataVault(new InMemorySubjectKeyStore());

    await expect(otherVault.open(sealed)).rejects.toThrow('has no key for subject member-1');
  });

  it('opens every sealed value of a nested JSON value', async () => {
    const data = {
      inboxId: 'inbox-1',
      loginName: await vault.seal('member-1', 'ada@example.org'),
      history: [{ name: await vault.seal('member-2', 'Grace') }, 7, null, 'plain'],
    };
    await vault.erase('member-2');

    const opened = await vault.openDeep(data);

    expect(opened).toEqual({
      inboxId: 'inbox-1',
      loginName: 'ada@example.org',
      history: [{ name: null }, 7, null, 'plain'],
    });
    expect(isSealedText(data.loginName)).toBe(true);
  });
});

describe('master key', () => {
  it('parses 32 bytes of base64', () => {
    const key = randomBytes(32);

    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
  });

  it('rejects a key of the wrong length', () => {
    expect(() => parseMasterKey(randomBytes(16).toString('base64'))).toThrow('decodes to 16 bytes, expected 32');
  });

  it('rejects a missing key', () => {
    expect(() => parseMasterKey(undefined)).toThrow('PERSONAL_DATA_MASTER_KEY is missing');
  });

  it('unwraps only with the same master key and subject', () => {
    const masterKey = randomBytes(32);
    const dataKey = randomBytes(32);
    const wrapped = wrapKey(masterKey, 'member-1', dataKey);

    expect(unwrapKey(masterKey, 'member-1', wrapped).equals(dataKey)).toBe(true);
    expect(() => unwrapKey(randomBytes(32), 'member-1', wrapped)).toThrow('master key differs');
    expect(() => unwrapKey(masterKey, 'member-2', wrapped)).toThrow('master key differs');
  });
});
