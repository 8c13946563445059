export const IDENTITY_LOGGER = Symbol('IDENTITY_LOGGER');
export const SESSION_SIGNER = Symbol('SESSION_SIGNER');
export const IDENTITY_SETTINGS = Symbol('IDENTITY_SETTINGS');

/** Identity's own settings, read and validated at start-up. */
export interface IdentitySettings {
  currentTermsVersion: string;
}
