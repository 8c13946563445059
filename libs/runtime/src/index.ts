export * from './command-handling';
export * from './decoding-event-store';
export * from './mongo-checkpoint.store';
export * from './replies';
export * from './service-config';
export * from './service-infrastructure';
export * from './tokens';
