// Pure permission rules; nothing is mocked and nothing real is needed.
import { Tier } from '@team-access/contracts';
import { canCreateInbox, canManageMember, canUseInbox, effectiveTier } from './permissions';

describe('inbox permissions', () => {
  const cases: Array<[string, { organizationOwner: boolean; tier: Tier | null }, Tier, boolean]> = [
    ['member invites member', { organizationOwner: false, tier: 'member' }, 'member', false],
    ['manager invites member', { organizationOwner: false, tier: 'manager' }, 'member', true],
    ['manager invites manager', { organizationOwner: false, tier: 'manager' }, 'manager', false],
    ['manager invites owner', { organizationOwner: false, tier: 'manager' }, 'owner', false],
    ['inbox owner invites manager', { organizationOwner: false, tier: 'owner' }, 'manager', true],
    ['inbox owner invites owner', { organizationOwner: false, tier: 'owner' }, 'owner', true],
    ['organization owner without membership invites owner', { organizationOwner: true, tier: null }, 'owner', true],
    ['outsider invites member', { organizationOwner: false, tier: null }, 'member', false],
  ];

  it.each(cases)('%s', (_name, actor, target, expected) => {
    expect(canManageMember(actor, target)).toBe(expected);
  });

  it('treats organization owners as inbox owners', () => {
    expect(effectiveTier({ organizationOwner: true, tier: 'member' })).toBe('owner');
  });

  it('lets only people with a tier use an inbox', () => {
    expect(canUseInbox({ organizationOwner: false, tier: null })).toBe(false);
    expect(canUseInbox({ organizationOwner: false, tier: 'member' })).toBe(true);
  });

  it('lets only organization owners create inboxes', () => {
    expect(canCreateInbox({ organizationOwner: false })).toBe(false);
    expect(canCreateInbox({ organizationOwner: true })).toBe(true);
  });
});
