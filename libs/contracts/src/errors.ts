/**
 * A rejected request as it crosses service boundaries (Kafka replies) and reaches HTTP clients.
 * `code` is stable and documented; `message` is for people; `value` echoes the offending input.
 */
export interface ErrorBody {
  code: string;
  message: string;
  value?: unknown;
  fix?: string;
}

export type ErrorKind = 'invalid' | 'unsupported_media_type' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable';

/** A typed domain error. Handlers throw it; the gateway maps `kind` to an HTTP status once. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details: { value?: unknown; fix?: string } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, value: truncateValue(this.details.value), fix: this.details.fix };
  }
}

/** Longest echoed string: enough to recognize the input without returning a huge body. */
export const ECHO_MAX_LENGTH = 200;

/** Shortens a string for an error message, marking the cut. */
export function preview(value: string): string {
  return value.length <= ECHO_MAX_LENGTH ? value : `${value.slice(0, ECHO_MAX_LENGTH)}… (${value.length} characters)`;
}

function truncateValue(value: unknown): unknown {
  if (typeof value === 'string') {
    return preview(value);
  }
  if (value !== null && typeof value === 'object') {
    const json = JSON.stringify(value);
    return json.length <= ECHO_MAX_LENGTH ? value : preview(json);
  }
  return value;
}

/** The reply shape of every request-reply exchange over Kafka. */
export type Reply<T> = { ok: true; result: T } | { ok: false; kind: ErrorKind; error: ErrorBody };
