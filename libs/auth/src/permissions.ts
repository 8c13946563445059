import { Tier } from '@team-access/contracts';

/** The actor's standing for one inbox: organization ownership plus their tier there, if any. */
export interface InboxActor {
  organizationOwner: boolean;
  /** Tier of the actor's active membership in the inbox; null without one. */
  tier: Tier | null;
}

/** Organization owners act as owner in every inbox of their organization. */
export function effectiveTier(actor: InboxActor): Tier | null {
  return actor.organizationOwner ? 'owner' : actor.tier;
}

export function canUseInbox(actor: InboxActor): boolean {
  return effectiveTier(actor) !== null;
}

/**
 * Invite, disable, enable and remove: owners may act on any tier, managers on members only,
 * members on nobody.
 */
export function canManageMember(actor: InboxActor, targetTier: Tier): boolean {
  const tier = effectiveTier(actor);
  if (tier === 'owner') {
    return true;
  }
  return tier === 'manager' && targetTier === 'member';
}

export function canCreateInbox(actor: { organizationOwner: boolean }): boolean {
  return actor.organizationOwner;
}
