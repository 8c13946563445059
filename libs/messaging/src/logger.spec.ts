// Real: pino with the service options, writing to an in-memory stream. Mocked: nothing.
import { Writable } from 'node:stream';
import { runWithCorrelation } from './correlation';
import { createLogger } from './logger';

function capture(): { lines: Array<Record<string, unknown>>; stream: Writable } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      callback();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('adds service and correlation fields', () => {
    const { lines, stream } = capture();
    const logger = createLogger('inbox', stream);

    runWithCorrelation({ correlationId: 'corr-1', organizationId: 'org-1' }, () => logger.info('inside'));
    logger.info('outside');

    expect(lines[0]).toMatchObject({ service: 'inbox', correlationId: 'corr-1', organizationId: 'org-1', msg: 'inside' });
    expect(lines[1]).toMatchObject({ service: 'inbox', msg: 'outside' });
    expect(lines[1]).not.toHaveProperty('correlationId');
  });

  it('redacts secrets', () => {
    const { lines, stream } = capture();
    const logger = createLogger('identity', stream);

    logger.info(
      {
        user: { password: 'p', sessionToken: 's' },
        oidc: { code: 'c', secret: 'x', token: 't' },
        headers: { cookie: 'session=abc', authorization: 'Bearer abc', accept: 'json' },
      },
      'sign-in',
    );

    expect(lines[0]?.user).toEqual({ password: '[redacted]', sessionToken: '[redacted]' });
    expect(lines[0]?.oidc).toEqual({ code: '[redacted]', secret: '[redacted]', token: '[redacted]' });
    expect(lines[0]?.headers).toEqual({ cookie: '[redacted]', authorization: '[redacted]', accept: 'json' });
  });
});
