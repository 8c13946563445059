import { DomainError, event } from '@team-access/contracts';
import { EventStore, WrongExpectedRevisionError } from '@team-access/event-store';
import { CommandContext, withMetadata } from '@team-access/runtime';

export function tenantReservationStreamId(tenantId: string): string {
  return `entra-tenant-${tenantId.toLowerCase()}`;
}

/**
 * Reserves an Entra tenant for one organization. Sign-in resolves a person's organization from
 * the token's tenant, so a tenant connected to two organizations would let the second one claim
 * people invited by the first. The first reservation wins; repeating it for the same
 * organization succeeds.
 */
export async function reserveTenant(store: EventStore, tenantId: string, organizationId: string, context: CommandContext): Promise<void> {
  const normalized = tenantId.toLowerCase();
  const streamId = tenantReservationStreamId(normalized);
  const reserved = event('org.entra_tenant.reserved', { organizationId, tenantId: normalized });

  try {
    await store.append(streamId, [withMetadata(reserved, reserved.data, context)], 'no_stream');
    return;
  } catch (error: unknown) {
    if (!(error instanceof WrongExpectedRevisionError)) {
      throw error;
    }
  }

  const [existing] = await store.readStream(streamId);
  const owner = (existing?.data as { organizationId?: string } | undefined)?.organizationId;
  if (owner !== organizationId) {
    throw new DomainError('conflict', 'organization.tenant_already_connected', `Entra tenant ${normalized} is already connected to another organization.`, {
      value: normalized,
      fix: 'Connect each Entra tenant to one organization only; disconnect it from the other organization first.',
    });
  }
}
