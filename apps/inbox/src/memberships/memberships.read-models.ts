/**
 * Physical collection names of the inbox read models. The version suffix changes when a
 * projection's shape changes; a rebuild then fills the new collection from position zero.
 */
export const INBOX_PROJECTION = { name: 'inbox-memberships', version: 1 } as const;

export const INBOX_READ_MODELS = {
  inboxes: `inboxes_v${INBOX_PROJECTION.version}`,
  memberships: `memberships_v${INBOX_PROJECTION.version}`,
} as const;

/** Indexes, each named for the query it serves. */
export const INBOX_READ_MODEL_INDEXES = [
  { collection: INBOX_READ_MODELS.memberships, keys: { organizationId: 1, userId: 1 }, name: 'memberships_of_user' },
  { collection: INBOX_READ_MODELS.memberships, keys: { organizationId: 1, loginName: 1 }, name: 'memberships_by_login_name' },
  { collection: INBOX_READ_MODELS.memberships, keys: { organizationId: 1, inboxId: 1 }, name: 'members_of_inbox' },
  { collection: INBOX_READ_MODELS.inboxes, keys: { organizationId: 1 }, name: 'inboxes_of_organization' },
] as const;
