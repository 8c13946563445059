/** The state of one subject's data key. */
export type SubjectKeyLookup =
  | { status: 'active'; key: Buffer }
  /** The key was erased, so data sealed with it cannot be opened any more. */
  | { status: 'erased' }
  /** No key was ever created for the subject. */
  | { status: 'missing' };

/** Storage of per-subject 32-byte data keys. Implementations keep erasure permanent. */
export interface SubjectKeyStore {
  findKey(subjectId: string): Promise<SubjectKeyLookup>;

  /**
   * Stores `candidateKey` when the subject has no key yet and returns the subject's key. When
   * two callers race, both get the key of the first. Returns `erased` for an erased subject.
   */
  findOrCreateKey(subjectId: string, candidateKey: Buffer): Promise<SubjectKeyLookup>;

  /** Deletes the subject's key and records the erasure, so no new key is created for it. */
  eraseKey(subjectId: string): Promise<void>;
}
