// Real: the MongoDB-wire server of the local stack (FerretDB) at MONGODB_URL. Nothing is mocked.
import { randomBytes, randomUUID } from 'node:crypto';
import { mongo } from 'mongoose';
import { MongoSubjectKeyStore } from './mongo-subject-key-store';
import { PersonalDataVault } from './personal-data-vault';

const SERVER = process.env.E2E_MONGODB_SERVER ?? 'mongodb://127.0.0.1:27117';

describe('MongoSubjectKeyStore', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;

  beforeAll(async () => {
    client = await mongo.MongoClient.connect(SERVER);
    db = client.db(`pd_test_${randomBytes(4).toString('hex')}`);
  });

  afterAll(async () => {
    await db.dropDatabase();
    await client.close();
  });

  it('seals, opens and erases through the vault', async () => {
    const vault = new PersonalDataVault(new MongoSubjectKeyStore(db, randomBytes(32)));
    const subject = randomUUID();

    const sealed = await vault.seal(subject, 'jane.doe@contoso.example');
    expect(await vault.open(sealed)).toBe('jane.doe@contoso.example');

    await vault.erase(subject);
    expect(await vault.open(sealed)).toBeNull();
    await expect(vault.seal(subject, 'again@contoso.example')).rejects.toThrow(/erased/);
  });

  it('keeps the first key when two writers race', async () => {
    const store = new MongoSubjectKeyStore(db, randomBytes(32));
    const subject = randomUUID();

    const [first, second] = await Promise.all([store.findOrCreateKey(subject, randomBytes(32)), store.findOrCreateKey(subject, randomBytes(32))]);

    expect(first).toEqual(second);
  });

  it('rejects a different master key', async () => {
    const subject = randomUUID();
    await new MongoSubjectKeyStore(db, randomBytes(32)).findOrCreateKey(subject, randomBytes(32));

    await expect(new MongoSubjectKeyStore(db, randomBytes(32)).findKey(subject)).rejects.toThrow(/master key differs/);
  });

  it('records an erasure of a subject that never had a key', async () => {
    const store = new MongoSubjectKeyStore(db, randomBytes(32));
    const subject = randomUUID();

    await store.eraseKey(subject);

    expect(await store.findKey(subject)).toEqual({ status: 'erased' });
  });
});
