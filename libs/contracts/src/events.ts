import { DomainEvent } from './envelope';
import { Tier } from './tiers';

/**
 * Stable wire types and payloads of every event. A payload change that old readers cannot
 * parse gets a new schema version; readers keep upcasting old versions.
 *
 * Fields typed `PersonalText` hold personal data. In the event store they are sealed with a
 * per-subject key so that erasing the key erases the value; on Kafka and in read models they
 * are plain strings, or null once erased.
 */
export type PersonalText = string | null;

// --- organization (apps/org-admin) -------------------------------------------------------

export interface OrganizationCreatedV1 {
  organizationId: string;
  name: string;
  ownerLoginName: PersonalText;
}

export interface EntraTenantConnectedV1 {
  organizationId: string;
  tenantId: string;
  verifiedDomains: string[];
}

/** Recorded in `entra-tenant-{tid}` so that one tenant belongs to at most one organization. */
export interface EntraTenantReservedV1 {
  organizationId: string;
  tenantId: string;
}

export interface EntraTenantDisconnectedV1 {
  organizationId: string;
  tenantId: string;
}

export type OrganizationEvent =
  | DomainEvent<'org.organization.created', OrganizationCreatedV1>
  | DomainEvent<'org.entra_tenant.connected', EntraTenantConnectedV1>
  | DomainEvent<'org.entra_tenant.disconnected', EntraTenantDisconnectedV1>
  | DomainEvent<'org.entra_tenant.reserved', EntraTenantReservedV1>;

// --- inbox (apps/inbox) --------------------------------------------------------------------

export interface InboxCreatedV1 {
  organizationId: string;
  inboxId: string;
  name: string;
}

export interface MemberInvitedV1 {
  organizationId: string;
  inboxId: string;
  inboxName: string;
  memberId: string;
  loginName: PersonalText;
  tier: Tier;
  role: string;
}

export interface MemberClaimedV1 {
  organizationId: string;
  inboxId: string;
  memberId: string;
  userId: string;
}

export type InboxEvent =
  | DomainEvent<'inbox.inbox.created', InboxCreatedV1>
  | DomainEvent<'inbox.member.invited', MemberInvitedV1>
  | DomainEvent<'inbox.member.claimed', MemberClaimedV1>;

// --- identity (apps/identity) ------------------------------------------------------------

export interface UserRegisteredV1 {
  organizationId: string;
  userId: string;
  loginName: PersonalText;
}

export interface ExternalIdentityLinkedV1 {
  organizationId: string;
  userId: string;
  provider: 'entra';
  tenantId: string;
  objectId: string;
}

export interface TermsAcceptedV1 {
  organizationId: string;
  userId: string;
  termsVersion: string;
}

export type IdentityEvent =
  | DomainEvent<'identity.user.registered', UserRegisteredV1>
  | DomainEvent<'identity.user.external_identity_linked', ExternalIdentityLinkedV1>
  | DomainEvent<'identity.user.terms_accepted', TermsAcceptedV1>;

export type AnyEvent = OrganizationEvent | InboxEvent | IdentityEvent;
export type EventType = AnyEvent['type'];
export type EventData<T extends EventType> = Extract<AnyEvent, { type: T }>['data'];

/** Current schema version of each wire type. */
export const SCHEMA_VERSIONS: Record<EventType, number> = {
  'org.organization.created': 1,
  'org.entra_tenant.connected': 1,
  'org.entra_tenant.disconnected': 1,
  'org.entra_tenant.reserved': 1,
  'inbox.inbox.created': 1,
  'inbox.member.invited': 1,
  'inbox.member.claimed': 1,
  'identity.user.registered': 1,
  'identity.user.external_identity_linked': 1,
  'identity.user.terms_accepted': 1,
};

export function event<T extends EventType>(type: T, data: EventData<T>): Extract<AnyEvent, { type: T }> {
  return { type, schemaVersion: SCHEMA_VERSIONS[type], data } as Extract<AnyEvent, { type: T }>;
}
