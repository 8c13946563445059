import { Tier } from './tiers';
import { KAFKA_NAMESPACE } from './topics';

/**
 * Request-reply patterns carried by the @nestjs/microservices Kafka transport. The transport
 * replies on `<pattern>.reply`. Every request names the organization it acts in, except the
 * sign-in requests, which discover it.
 */
export const Patterns = {
  createOrganization: `${KAFKA_NAMESPACE}org-admin.organization.create`,
  createInbox: `${KAFKA_NAMESPACE}inbox.inbox.create`,
  inviteMember: `${KAFKA_NAMESPACE}inbox.member.invite`,
  listInboxesOfUser: `${KAFKA_NAMESPACE}inbox.query.inboxes-of-user`,
  completeMicrosoftSignIn: `${KAFKA_NAMESPACE}identity.sign-in.microsoft.complete`,
  acceptTerms: `${KAFKA_NAMESPACE}identity.terms.accept`,
} as const;

/**
 * Context every request carries: the correlation id for logs, and the caller's session token so
 * that the receiving service checks permissions itself instead of trusting the gateway.
 */
export interface RequestContext {
  correlationId: string;
  sessionToken?: string;
}

export interface CreateInboxRequest {
  context: RequestContext;
  organizationId: string;
  name: string;
}

export interface CreateInboxResult {
  inboxId: string;
  created: boolean;
}

export interface InviteMemberRequest {
  context: RequestContext;
  organizationId: string;
  inboxId: string;
  loginName: string;
  tier: Tier;
  role?: string;
}

export interface InviteMemberResult {
  memberId: string;
  /** False when the same invitation already existed; nothing was appended then. */
  created: boolean;
  status: 'invited' | 'active' | 'disabled';
}

export interface ListInboxesOfUserRequest {
  context: RequestContext;
}

export interface InboxSummary {
  organizationId: string;
  inboxId: string;
  name: string;
  tier: Tier;
  status: 'invited' | 'active' | 'disabled';
}

export interface MicrosoftSignInRequest {
  context: RequestContext;
  tenantId: string;
  objectId: string;
  /** `upn`, else `preferred_username`, from a validated ID token. */
  userPrincipalName: string;
  /** Informational only: never used to match an invitation. */
  email?: string;
  displayName?: string;
}

export interface SignInResult {
  userId: string;
  sessionToken: string;
  termsAccepted: boolean;
  currentTermsVersion: string;
}

export interface AcceptTermsRequest {
  context: RequestContext;
  termsVersion: string;
}
