// Pure organization decisions; no I/O and nothing mocked.
import { DomainError, event } from '@team-access/contracts';
import { CreateOrganization, decideOrganization, evolveOrganization, initialOrganizationState } from './organization.decider';

const TENANT = 'AAAAAAAA-1111-2222-3333-444444444444';

const create: CreateOrganization = {
  type: 'CreateOrganization',
  organizationId: 'org-1',
  name: 'Contoso',
  ownerLoginName: 'Admin@Contoso.example',
  entraTenants: [{ tenantId: TENANT, verifiedDomains: ['Contoso.example'] }],
};

describe('decideOrganization', () => {
  it('creates the organization and connects its tenant', () => {
    expect(decideOrganization(initialOrganizationState(), create)).toEqual([
      event('org.organization.created', { organizationId: 'org-1', name: 'Contoso', ownerLoginName: 'admin@contoso.example' }),
      event('org.entra_tenant.connected', { organizationId: 'org-1', tenantId: TENANT.toLowerCase(), verifiedDomains: ['contoso.example'] }),
    ]);
  });

  it('emits nothing when the same creation repeats', () => {
    const state = decideOrganization(initialOrganizationState(), create).reduce(evolveOrganization, initialOrganizationState());

    expect(decideOrganization(state, create)).toEqual([]);
  });

  it('rejects a malformed tenant id with its value', () => {
    const failure = (() => {
      try {
        return decideOrganization(initialOrganizationState(), { ...create, entraTenants: [{ tenantId: 'contoso', verifiedDomains: [] }] });
      } catch (error: unknown) {
        return error;
      }
    })();

    expect(failure).toBeInstanceOf(DomainError);
    expect((failure as DomainError).code).toBe('organization.tenant_id_invalid');
    expect((failure as DomainError).details.value).toBe('contoso');
  });

  it('rejects a different organization under an existing id', () => {
    const state = decideOrganization(initialOrganizationState(), create).reduce(evolveOrganization, initialOrganizationState());

    expect(() => decideOrganization(state, { ...create, name: 'Fabrikam' })).toThrow(expect.objectContaining({ code: 'organization.already_exists' }));
  });
});
