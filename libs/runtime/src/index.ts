export * from './command-handling';
export * from './replies';
export * from './service-config';
export * from './tokens';
