import { EventEnvelope, isEventOfType } from '@team-access/messaging';
import { DIRECTORY_READ_MODELS } from './directory.read-models';

export interface DirectoryWrite {
  collection: (typeof DIRECTORY_READ_MODELS)[keyof typeof DIRECTORY_READ_MODELS];
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
  upsert: boolean;
}

/**
 * Maps another service's event to writes in identity's directory. Each document is fed by one
 * source stream, whose store positions only grow, so `sourcePosition` guards against replays.
 */
export function projectDirectoryEvent(envelope: EventEnvelope): DirectoryWrite[] {
  const notYetApplied = { sourcePosition: { $lt: envelope.position } };

  if (isEventOfType(envelope, 'org.organization.created')) {
    const { organizationId, ownerLoginName } = envelope.data;
    return [
      {
        collection: DIRECTORY_READ_MODELS.entries,
        filter: { _id: `${organizationId}:owner`, ...notYetApplied },
        update: {
          $set: { organizationId, loginName: ownerLoginName, kind: 'organization_owner', status: 'active', inboxId: null, sourcePosition: envelope.position },
        },
        upsert: true,
      },
    ];
  }

  if (isEventOfType(envelope, 'org.entra_tenant.connected') || isEventOfType(envelope, 'org.entra_tenant.disconnected')) {
    const { organizationId, tenantId } = envelope.data;
    return [
      {
        collection: DIRECTORY_READ_MODELS.tenants,
        filter: { _id: `${organizationId}:${tenantId}`, ...notYetApplied },
        update: {
          $set: { organizationId, tenantId, connected: envelope.type === 'org.entra_tenant.connected', sourcePosition: envelope.position },
        },
        upsert: true,
      },
    ];
  }

  if (isEventOfType(envelope, 'inbox.member.invited')) {
    const { organizationId, memberId, loginName, inboxId } = envelope.data;
    return [
      {
        collection: DIRECTORY_READ_MODELS.entries,
        filter: { _id: `${organizationId}:member:${memberId}`, ...notYetApplied },
        update: { $set: { organizationId, loginName, kind: 'member', status: 'invited', inboxId, sourcePosition: envelope.position } },
        upsert: true,
      },
    ];
  }

  if (isEventOfType(envelope, 'inbox.member.claimed')) {
    const { organizationId, memberId } = envelope.data;
    return [
      {
        collection: DIRECTORY_READ_MODELS.entries,
        filter: { _id: `${organizationId}:member:${memberId}`, ...notYetApplied },
        update: { $set: { status: 'active', sourcePosition: envelope.position } },
        upsert: false,
      },
    ];
  }

  return [];
}
