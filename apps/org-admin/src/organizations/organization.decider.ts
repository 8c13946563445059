import { DomainError, event, hasInvisibleCharacters, isValidLoginName, normalizeLoginName, OrganizationEvent, preview } from '@team-access/contracts';

export interface OrganizationState {
  exists: boolean;
  name: string | null;
  ownerLoginName: string | null;
  connectedTenants: Set<string>;
}

export function initialOrganizationState(): OrganizationState {
  return { exists: false, name: null, ownerLoginName: null, connectedTenants: new Set() };
}

export function evolveOrganization(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  switch (event.type) {
    case 'org.organization.created':
      return { ...state, exists: true, name: event.data.name, ownerLoginName: event.data.ownerLoginName };
    case 'org.entra_tenant.connected':
      return { ...state, connectedTenants: new Set([...state.connectedTenants, event.data.tenantId]) };
    case 'org.entra_tenant.disconnected': {
      const connectedTenants = new Set(state.connectedTenants);
      connectedTenants.delete(event.data.tenantId);
      return { ...state, connectedTenants };
    }
    case 'org.entra_tenant.reserved':
      return state;
  }
}

export interface CreateOrganization {
  type: 'CreateOrganization';
  organizationId: string;
  name: string;
  ownerLoginName: string;
  entraTenants: Array<{ tenantId: string; verifiedDomains: string[] }>;
}

export interface ConnectEntraTenant {
  type: 'ConnectEntraTenant';
  organizationId: string;
  tenantId: string;
  verifiedDomains: string[];
}

export type OrganizationCommand = CreateOrganization | ConnectEntraTenant;

const TENANT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const ORGANIZATION_NAME_MAX_LENGTH = 100;

export function decideOrganization(state: OrganizationState, command: OrganizationCommand): OrganizationEvent[] {
  switch (command.type) {
    case 'CreateOrganization':
      return decideCreate(state, command);
    case 'ConnectEntraTenant':
      if (!state.exists) {
        throw new DomainError('not_found', 'organization.not_found', `No organization with id ${command.organizationId} exists.`, {
          value: command.organizationId,
          fix: 'Create the organization first with POST /platform/organizations.',
        });
      }
      return decideConnect(state, command);
  }
}

function decideCreate(state: OrganizationState, command: CreateOrganization): OrganizationEvent[] {
  const name = command.name.trim();
  if (name.length === 0 || name.length > ORGANIZATION_NAME_MAX_LENGTH || hasInvisibleCharacters(name)) {
    throw new DomainError('invalid', 'organization.name_invalid', 'The organization name must have 1 to 100 visible characters.', {
      value: command.name,
      fix: 'Send a non-empty "name" of at most 100 characters, without control or formatting characters.',
    });
  }
  if (!isValidLoginName(command.ownerLoginName)) {
    throw new DomainError('invalid', 'organization.owner_login_name_invalid', `"${preview(command.ownerLoginName)}" is not a valid login name.`, {
      value: command.ownerLoginName,
      fix: "Use the owner's Entra user principal name or email address.",
    });
  }

  const ownerLoginName = normalizeLoginName(command.ownerLoginName);
  if (state.exists) {
    if (state.name === name && state.ownerLoginName === ownerLoginName) {
      return command.entraTenants.flatMap((tenant) => decideConnect(state, { type: 'ConnectEntraTenant', organizationId: command.organizationId, ...tenant }));
    }
    throw new DomainError('conflict', 'organization.already_exists', `An organization with id ${command.organizationId} already exists with another name or owner.`, {
      value: command.organizationId,
      fix: 'Leave "organizationId" out to create a new organization, or repeat the original request exactly.',
    });
  }

  const created = event('org.organization.created', { organizationId: command.organizationId, name, ownerLoginName });
  const withCreation = evolveOrganization(state, created);
  return [
    created,
    ...command.entraTenants.flatMap((tenant) => decideConnect(withCreation, { type: 'ConnectEntraTenant', organizationId: command.organizationId, ...tenant })),
  ];
}

function decideConnect(state: OrganizationState, command: ConnectEntraTenant): OrganizationEvent[] {
  if (!TENANT_ID_PATTERN.test(command.tenantId)) {
    throw new DomainError('invalid', 'organization.tenant_id_invalid', `"${preview(command.tenantId)}" is not an Entra tenant id.`, {
      value: command.tenantId,
      fix: 'Copy the Directory (tenant) ID, a GUID, from the Entra admin center.',
    });
  }
  const invalidDomain = command.verifiedDomains.find((domain) => !DOMAIN_PATTERN.test(domain));
  if (invalidDomain !== undefined) {
    throw new DomainError('invalid', 'organization.domain_invalid', `"${preview(invalidDomain)}" is not a domain name.`, {
      value: invalidDomain,
      fix: 'List verified domains such as contoso.example, without "@" or a scheme.',
    });
  }

  const tenantId = command.tenantId.toLowerCase();
  if (state.connectedTenants.has(tenantId)) {
    return [];
  }
  return [
    event('org.entra_tenant.connected', {
      organizationId: command.organizationId,
      tenantId,
      verifiedDomains: command.verifiedDomains.map((domain) => domain.toLowerCase()),
    }),
  ];
}
