export * from './envelope';
export * from './errors';
export * from './events';
export * from './login-name';
export * from './messages';
export * from './tiers';
export * from './topics';
