// Pure user decisions; no I/O and nothing mocked.
import { event } from '@team-access/contracts';
import { decideUser, evolveUser, initialUserState } from './user.decider';

const registered = event('identity.user.registered', { organizationId: 'org-1', userId: 'user-1', loginName: 'jane.doe@contoso.example' });
const accept = { type: 'AcceptTerms' as const, organizationId: 'org-1', userId: 'user-1', termsVersion: '2026-01', currentTermsVersion: '2026-01' };

describe('decideUser', () => {
  it('records the acceptance of the current terms', () => {
    const state = evolveUser(initialUserState(), registered);

    expect(decideUser(state, accept)).toEqual([
      event('identity.user.terms_accepted', { organizationId: 'org-1', userId: 'user-1', termsVersion: '2026-01' }),
    ]);
  });

  it('records nothing when the same version is accepted again', () => {
    const state = [registered, event('identity.user.terms_accepted', { organizationId: 'org-1', userId: 'user-1', termsVersion: '2026-01' })].reduce(
      evolveUser,
      initialUserState(),
    );

    expect(decideUser(state, accept)).toEqual([]);
  });

  it('rejects an outdated terms version', () => {
    const state = evolveUser(initialUserState(), registered);

    expect(() => decideUser(state, { ...accept, termsVersion: '2025-01' })).toThrow(expect.objectContaining({ code: 'terms.version_outdated' }));
  });

  it('registers a user once', () => {
    const command = { type: 'RegisterUser' as const, organizationId: 'org-1', userId: 'user-1', loginName: 'jane.doe@contoso.example' };

    expect(decideUser(initialUserState(), command)).toEqual([registered]);
    expect(decideUser(evolveUser(initialUserState(), registered), command)).toEqual([]);
  });
});
