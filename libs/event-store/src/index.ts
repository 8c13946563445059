export * from './event-store.port';
export * from './in-memory/in-memory.event-store';
export * from './postgres/postgres.event-store';
export * from './eventstoredb/eventstoredb.event-store';
