import { z } from 'zod';

/** Raised at start-up when a setting is missing or malformed; names every bad setting. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses environment variables with a zod object schema whose keys are the variable names.
 * Every failure names the variable, the received value (secrets masked) and the expectation.
 */
export function loadConfig<TShape extends z.ZodRawShape>(
  shape: TShape,
  env: NodeJS.ProcessEnv = process.env,
  secretNames: readonly string[] = [],
): z.infer<z.ZodObject<TShape>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) {
    return result.data;
  }

  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const raw = env[name];
    const displayedValue = raw === undefined ? 'not set' : secretNames.includes(name) ? 'set (value hidden)' : JSON.stringify(raw);
    return `${name} (${displayedValue}): ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** A comma-separated list of host:port pairs, such as KAFKA_BROKERS. */
export const hostPortList = z
  .string()
  .trim()
  .min(1)
  .transform((value) => value.split(',').map((entry) => entry.trim()))
  .refine((entries) => entries.every((entry) => /^[^\s:]+:\d{1,5}$/.test(entry)), {
    message: 'expected a comma-separated list of host:port, for example 127.0.0.1:19092',
  });

export const port = z.coerce.number().int().min(1).max(65535);

export const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .url()
    .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol.replace(/:$/, '')), {
      message: `expected a URL with scheme ${protocols.join(' or ')}`,
    });
