// Real: each service started from dist/ as a child process with a broken setting. Nothing is
// mocked; the services must refuse to start before touching any infrastructure.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './support/processes';

const cases: Array<[string, Record<string, string>, string]> = [
  ['inbox', { KAFKA_BROKERS: 'no-port-here' }, 'KAFKA_BROKERS ("no-port-here")'],
  ['identity', { TERMS_VERSION: 'has spaces' }, 'TERMS_VERSION ("has spaces")'],
  ['org-admin', { ENTRA_AUTHORITY_HOST: 'ftp://example' }, 'ENTRA_AUTHORITY_HOST ("ftp://example")'],
  ['org-admin', { OIDC_STATE_SECRET: 'short' }, 'OIDC_STATE_SECRET (set (value hidden))'],
  ['notifier', { SMTP_URL: 'not a url' }, 'SMTP_URL (set (value hidden))'],
];

describe('service configuration', () => {
  it.each(cases)('%s stops on a malformed setting and names it', (service, environment, expected) => {
    const result = spawnSync(process.execPath, [join(REPOSITORY_ROOT, `dist/apps/${service}/src/main.js`)], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, ...environment },
      encoding: 'utf8',
      timeout: 30_000,
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${service} cannot start.`);
    expect(result.stderr).toContain(expected);
  });
});
