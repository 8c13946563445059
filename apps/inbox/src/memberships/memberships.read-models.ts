/**
 * Physical collection names of the inbox read models. The version suffix changes when a
 * projection's shape changes; a rebuild then fills the new collection from position zero.
 */
export const INBOX_PROJECTION = { name: 'inbox-memberships', version: 1 } as const;

// NOTE: queries read the current version's collections directly. After a rebuild into a new
// version, they follow only once INBOX_PROJECTION.version is raised, not through the alias.
export const INBOX_READ_MODELS = {
  inboxes: `inboxes_v${INBOX_PROJECTION.version}`,
  memberships: `memberships_v${INBOX_PROJECTION.version}`,
  /** Users identity registered, by organization and login name; fed from identity's events. */
  registeredUsers: 'registered_users_v1',
} as const;
