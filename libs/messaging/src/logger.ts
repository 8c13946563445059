import pino, { Logger, LoggerOptions } from 'pino';
import { currentCorrelation } from './correlation';

/**
 * Paths whose values pino replaces with "[redacted]". A `*` matches exactly one level, so the
 * top-level names are listed too. `*.code` covers one-time sign-in codes and OAuth codes; it
 * also hides `err.code` (for example ECONNREFUSED), which the error message usually repeats.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'password',
  'secret',
  'token',
  'sessionToken',
  'code',
  '*.password',
  '*.secret',
  '*.token',
  '*.sessionToken',
  '*.code',
  'headers.cookie',
  'headers.authorization',
  '*.headers.cookie',
  '*.headers.authorization',
];

/** Adds the current correlation id and organization id to a log line, when there is a current correlation. */
export function correlationMixin(): Record<string, string> {
  const context = currentCorrelation();
  if (context === undefined) {
    return {};
  }

  const fields: Record<string, string> = { correlationId: context.correlationId };
  if (context.organizationId !== undefined) {
    fields.organizationId = context.organizationId;
  }
  return fields;
}

/** Builds the pino options every service uses; exposed so nestjs-pino can take the same options. */
export function loggerOptions(serviceName: string, level = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    level,
    base: { service: serviceName },
    mixin: correlationMixin,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
  };
}

/**
 * Creates a service's pino logger: `service` on every line, correlation ids from the current
 * context, secrets redacted, level from LOG_LEVEL (default info).
 */
export function createLogger(serviceName: string, destination?: pino.DestinationStream): Logger {
  const options = loggerOptions(serviceName);
  return destination === undefined ? pino(options) : pino(options, destination);
}
