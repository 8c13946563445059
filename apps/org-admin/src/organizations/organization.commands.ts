import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, OrganizationEvent } from '@team-access/contracts';
import { EventStore } from '@team-access/event-store';
import { CLOCK, Clock, CommandContext, Decider, EVENT_STORE, EventCodec, handleCommand, loadAggregate, PERSONAL_DATA_VAULT, PersonalDataSealer, sealingCodec } from '@team-access/runtime';
import { reserveTenant } from './tenant-reservations';
import {
  CreateOrganization,
  decideOrganization,
  evolveOrganization,
  initialOrganizationState,
  OrganizationCommand,
  OrganizationState,
} from './organization.decider';

const organizationDecider: Decider<OrganizationState, OrganizationCommand, OrganizationEvent> = {
  initialState: initialOrganizationState,
  evolve: evolveOrganization,
  decide: decideOrganization,
};

export interface CreateOrganizationInput {
  organizationId?: unknown;
  name?: unknown;
  ownerLoginName?: unknown;
  entraTenants?: unknown;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Write side of organizations. The owner's login name is sealed under a per-organization-owner key. */
@Injectable()
export class OrganizationCommands {
  private readonly codec: EventCodec<OrganizationEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PERSONAL_DATA_VAULT) vault: PersonalDataSealer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.codec = sealingCodec<OrganizationEvent>(vault, async (event, sealer) => {
      if (event.type === 'org.organization.created' && event.data.ownerLoginName !== null) {
        return { ...event.data, ownerLoginName: await sealer.seal(`organization-owner-${event.data.organizationId}`, event.data.ownerLoginName) };
      }
      return event.data;
    });
  }

  async create(input: CreateOrganizationInput, correlationId: string): Promise<{ organizationId: string; created: boolean; lastPosition: number | null }> {
    const command = parseCreateOrganization(input);
    const context: CommandContext = { organizationId: command.organizationId, correlationId, actor: { kind: 'system', name: 'platform-admin' }, now: this.clock };
    const streamId = `organization-${command.organizationId}`;

    // Validate against the current state before reserving tenants, so a rejected request
    // reserves nothing. NOTE: a failure between reservation and append leaves the tenant
    // reserved for this organization id; repeating the same request completes it.
    const { state } = await loadAggregate(this.store, streamId, organizationDecider, this.codec);
    organizationDecider.decide(state, command);
    for (const tenant of command.entraTenants) {
      await reserveTenant(this.store, tenant.tenantId, command.organizationId, context);
    }

    const outcome = await handleCommand(this.store, streamId, organizationDecider, this.codec, command, context);
    return { organizationId: command.organizationId, created: outcome.events.some((event) => event.type === 'org.organization.created'), lastPosition: outcome.lastPosition };
  }
}

function parseCreateOrganization(input: CreateOrganizationInput): CreateOrganization {
  const organizationId = input.organizationId ?? randomUUID();
  if (typeof organizationId !== 'string' || !UUID_PATTERN.test(organizationId)) {
    throw new DomainError('invalid', 'organization.id_invalid', 'The organization id must be a UUID.', { value: organizationId, fix: 'Leave "organizationId" out to get a new one.' });
  }
  if (typeof input.name !== 'string') {
    throw new DomainError('invalid', 'organization.name_invalid', 'The organization name is missing.', { value: input.name ?? null, fix: 'Send "name".' });
  }
  if (typeof input.ownerLoginName !== 'string') {
    throw new DomainError('invalid', 'organization.owner_login_name_invalid', 'The owner login name is missing.', {
      value: input.ownerLoginName ?? null,
      fix: 'Send "ownerLoginName" with the owner\'s Entra user principal name.',
    });
  }

  const tenants = input.entraTenants ?? [];
  if (!Array.isArray(tenants)) {
    throw new DomainError('invalid', 'organization.tenants_invalid', '"entraTenants" must be an array.', { value: tenants });
  }
  const entraTenants = tenants.map((tenant: unknown) => {
    const candidate = tenant as { tenantId?: unknown; verifiedDomains?: unknown };
    const domains = candidate?.verifiedDomains ?? [];
    if (typeof candidate?.tenantId !== 'string' || !Array.isArray(domains) || !domains.every((domain) => typeof domain === 'string')) {
      throw new DomainError('invalid', 'organization.tenants_invalid', 'Each Entra tenant needs a "tenantId" string and optional "verifiedDomains" strings.', {
        value: tenant,
      });
    }
    return { tenantId: candidate.tenantId, verifiedDomains: domains as string[] };
  });

  return { type: 'CreateOrganization', organizationId, name: input.name, ownerLoginName: input.ownerLoginName, entraTenants };
}
