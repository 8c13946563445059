export const INBOX_LOGGER = Symbol('INBOX_LOGGER');
