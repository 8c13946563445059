export * from './sealed-text';
export * from './subject-key-store.port';
export * from './in-memory-subject-key-store';
export * from './master-key';
export * from './postgres-subject-key-store';
export * from './personal-data-vault';
export * from './mongo-subject-key-store';
