// Pure configuration parsing; nothing is mocked and no environment outside the test is read.
import { z } from 'zod';
import { ConfigError, hostPortList, loadConfig, port } from './load-config';

const shape = {
  KAFKA_BROKERS: hostPortList.default('127.0.0.1:19092'),
  HTTP_PORT: port.default(3000),
  CLIENT_SECRET: z.string().min(8),
};

describe('loadConfig', () => {
  it('applies defaults and parses values', () => {
    const config = loadConfig(shape, { CLIENT_SECRET: 'long-enough', HTTP_PORT: '8080' });

    expect(config).toEqual({ KAFKA_BROKERS: ['127.0.0.1:19092'], HTTP_PORT: 8080, CLIENT_SECRET: 'long-enough' });
  });

  it('names every bad setting with its value', () => {
    const failure = (() => {
      try {
        return loadConfig(shape, { KAFKA_BROKERS: 'kafka', HTTP_PORT: '70000', CLIENT_SECRET: 'long-enough' });
      } catch (error: unknown) {
        return error;
      }
    })();

    expect(failure).toBeInstanceOf(ConfigError);
    const message = (failure as ConfigError).message;
    expect(message).toContain('KAFKA_BROKERS ("kafka")');
    expect(message).toContain('host:port');
    expect(message).toContain('HTTP_PORT ("70000")');
  });

  it('names a missing setting', () => {
    expect(() => loadConfig(shape, {})).toThrow(/CLIENT_SECRET \(not set\)/);
  });

  it('hides the value of a secret setting', () => {
    const message = (() => {
      try {
        loadConfig(shape, { CLIENT_SECRET: 'short' }, ['CLIENT_SECRET']);
        return '';
      } catch (error: unknown) {
        return (error as Error).message;
      }
    })();

    expect(message).toContain('CLIENT_SECRET (set (value hidden))');
    expect(message).not.toContain('short');
  });
});
