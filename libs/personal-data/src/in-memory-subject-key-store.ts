import { SubjectKeyLookup, SubjectKeyStore } from './subject-key-store.port';

/** A SubjectKeyStore in process memory, for unit tests. Keys are stored unwrapped. */
export class InMemorySubjectKeyStore implements SubjectKeyStore {
  private readonly keys = new Map<string, Buffer | null>();

  async findKey(subjectId: string): Promise<SubjectKeyLookup> {
    const key = this.keys.get(subjectId);
    if (key === undefined) {
      return { status: 'missing' };
    }
    return key === null ? { status: 'erased' } : { status: 'active', key: Buffer.from(key) };
  }

  async findOrCreateKey(subjectId: string, candidateKey: Buffer): Promise<SubjectKeyLookup> {
    if (!this.keys.has(subjectId)) {
      this.keys.set(subjectId, Buffer.from(candidateKey));
    }
    return this.findKey(subjectId);
  }

  async eraseKey(subjectId: string): Promise<void> {
    const key = this.keys.get(subjectId);
    key?.fill(0);
    this.keys.set(subjectId, null);
  }
}
