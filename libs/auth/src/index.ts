export * from './session-token';
export * from './permissions';
