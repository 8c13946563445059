import { DomainError, event, IdentityEvent } from '@team-access/contracts';

export interface UserState {
  exists: boolean;
  userId: string | null;
  organizationId: string | null;
  loginName: string | null;
  acceptedTermsVersion: string | null;
}

export function initialUserState(): UserState {
  return { exists: false, userId: null, organizationId: null, loginName: null, acceptedTermsVersion: null };
}

export function evolveUser(state: UserState, event: IdentityEvent): UserState {
  switch (event.type) {
    case 'identity.user.registered':
      return { ...state, exists: true, userId: event.data.userId, organizationId: event.data.organizationId, loginName: event.data.loginName };
    case 'identity.user.terms_accepted':
      return { ...state, acceptedTermsVersion: event.data.termsVersion };
    case 'identity.user.external_identity_linked':
      return state;
  }
}

export interface RegisterUser {
  type: 'RegisterUser';
  organizationId: string;
  userId: string;
  loginName: string;
}

export interface AcceptTerms {
  type: 'AcceptTerms';
  organizationId: string;
  userId: string;
  termsVersion: string;
  currentTermsVersion: string;
}

export type UserCommand = RegisterUser | AcceptTerms;

export function decideUser(state: UserState, command: UserCommand): IdentityEvent[] {
  switch (command.type) {
    case 'RegisterUser':
      if (state.exists) {
        return [];
      }
      return [event('identity.user.registered', { organizationId: command.organizationId, userId: command.userId, loginName: command.loginName })];

    case 'AcceptTerms':
      if (!state.exists || state.organizationId !== command.organizationId) {
        throw new DomainError('not_found', 'user.not_found', `No user with id ${command.userId} exists.`, { value: command.userId });
      }
      if (command.termsVersion !== command.currentTermsVersion) {
        throw new DomainError('invalid', 'terms.version_outdated', `Terms version ${command.termsVersion} is not the current one.`, {
          value: command.termsVersion,
          fix: `Read and accept the current terms, version ${command.currentTermsVersion}.`,
        });
      }
      if (state.acceptedTermsVersion === command.termsVersion) {
        return [];
      }
      return [event('identity.user.terms_accepted', { organizationId: command.organizationId, userId: command.userId, termsVersion: command.termsVersion })];
  }
}

/** Index stream that makes (tenant, object id) map to at most one user. */
export function entraIdentityStreamId(tenantId: string, objectId: string): string {
  return `entra-identity-${tenantId.toLowerCase()}-${objectId.toLowerCase()}`;
}

export function userStreamId(userId: string): string {
  return `user-${userId}`;
}
