import { mongo } from 'mongoose';
import { unwrapKey, wrapKey } from './master-key';
import { SubjectKeyLookup, SubjectKeyStore } from './subject-key-store.port';

interface KeyDocument {
  _id: string;
  wrappedKey: mongo.Binary | null;
  createdAt: Date;
  erasedAt: Date | null;
}

const DUPLICATE_KEY = 11000;

/**
 * SubjectKeyStore on MongoDB, for deployments whose event store is EventStoreDB: one document
 * per subject holding the data key wrapped with the master key, or null after erasure (the
 * document stays as the erasure record).
 *
 * NOTE: MongoDB keeps erased values in its journal and in backups until they expire. Those
 * copies stay wrapped, so they are unreadable without the master key.
 */
export class MongoSubjectKeyStore implements SubjectKeyStore {
  private readonly keys: mongo.Collection<KeyDocument>;

  constructor(
    db: mongo.Db,
    private readonly masterKey: Buffer,
    collection = 'personal_data_subject_keys',
  ) {
    if (masterKey.length !== 32) {
      throw new Error(`Personal data key store: the master key has ${masterKey.length} bytes, expected 32. Use parseMasterKey.`);
    }
    this.keys = db.collection<KeyDocument>(collection);
  }

  async findKey(subjectId: string): Promise<SubjectKeyLookup> {
    const document = await this.keys.findOne({ _id: subjectId });
    if (!document) {
      return { status: 'missing' };
    }
    // FerretDB may drop a null field written by an upsert, so a missing key also means erased.
    if (!document.wrappedKey || document.erasedAt) {
      return { status: 'erased' };
    }
    return { status: 'active', key: unwrapKey(this.masterKey, subjectId, Buffer.from(document.wrappedKey.buffer)) };
  }

  async findOrCreateKey(subjectId: string, candidateKey: Buffer): Promise<SubjectKeyLookup> {
    try {
      await this.keys.insertOne({
        _id: subjectId,
        wrappedKey: new mongo.Binary(wrapKey(this.masterKey, subjectId, candidateKey)),
        createdAt: new Date(),
        erasedAt: null,
      });
      return { status: 'active', key: Buffer.from(candidateKey) };
    } catch (error: unknown) {
      // A racing writer stored the subject's key first; the stored key wins.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) {
        throw error;
      }
      return this.findKey(subjectId);
    }
  }

  async eraseKey(subjectId: string): Promise<void> {
    const now = new Date();
    await this.keys.updateOne({ _id: subjectId, erasedAt: null }, { $set: { wrappedKey: null, erasedAt: now } });
    await this.keys.updateOne({ _id: subjectId }, { $setOnInsert: { wrappedKey: null, createdAt: now, erasedAt: now } }, { upsert: true });
  }
}
