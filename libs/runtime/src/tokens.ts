/** Nest injection tokens for the infrastructure every service shares. */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const PERSONAL_DATA_VAULT = Symbol('PERSONAL_DATA_VAULT');
export const SESSION_VERIFIER = Symbol('SESSION_VERIFIER');
export const CLOCK = Symbol('CLOCK');
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** The injected clock; tests replace it, production uses the system time. */
export type Clock = () => Date;
