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

export type ErrorKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable';

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
    return { code: this.code, message: this.message, value: this.details.value, fix: this.details.fix };
  }
}

/** The reply shape of every request-reply exchange over Kafka. */
export type Reply<T> = { ok: true; result: T } | { ok: false; kind: ErrorKind; error: ErrorBody };
