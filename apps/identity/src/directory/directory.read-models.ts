/**
 * Identity's own copies of the facts sign-in needs from other services, projected from their
 * Kafka events: which organizations connected which tenant, and which login names have an
 * invitation or ownership in which organization.
 */
export const DIRECTORY_READ_MODELS = {
  tenants: 'identity_tenants_v1',
  entries: 'identity_directory_v1',
} as const;

export const DIRECTORY_INDEXES = [
  { collection: DIRECTORY_READ_MODELS.tenants, keys: { tenantId: 1, connected: 1 }, name: 'organizations_of_tenant' },
  { collection: DIRECTORY_READ_MODELS.entries, keys: { loginName: 1, organizationId: 1 }, name: 'entries_of_login_name' },
] as const;

export interface TenantDocument {
  _id: string;
  organizationId: string;
  tenantId: string;
  connected: boolean;
  sourcePosition: number;
}

export interface DirectoryDocument {
  _id: string;
  organizationId: string;
  loginName: string | null;
  kind: 'member' | 'organization_owner';
  status: 'invited' | 'active' | 'disabled';
  inboxId: string | null;
  sourcePosition: number;
}
