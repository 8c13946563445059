/** Exponential backoff without jitter: attempt 1 waits `initialDelayMs`, each later attempt `multiplier` times longer, capped. */
export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier?: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 200, maxDelayMs: 30_000, multiplier: 2 };

/** Raised when a retry loop or a wait ends because its AbortSignal fired (usually a shutdown). */
export class OperationAbortedError extends Error {
  constructor(
    message: string,
    readonly lastError?: unknown,
  ) {
    super(message);
    this.name = 'OperationAbortedError';
  }
}

/** Returns the delay in ms before retry number `attempt` (1-based). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const multiplier = options.multiplier ?? 2;
  const exponent = Math.max(0, attempt - 1);
  return Math.min(options.maxDelayMs, options.initialDelayMs * multiplier ** exponent);
}

/** Waits `ms`, or less when `signal` aborts first; never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) {
    return Promise.resolve();
  }

  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  backoff: BackoffOptions;
  /** Undefined retries until success or abort. */
  maxAttempts?: number;
  signal?: AbortSignal;
  /** Called before each wait, so the caller can log the failure with its own ids. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation` until it succeeds. Throws the last error after `maxAttempts`, or
 * OperationAbortedError once `signal` aborts (checked before each attempt and after each wait).
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  let lastError: unknown;

  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) {
      throw new OperationAbortedError(`Retry aborted before attempt ${attempt}.`, lastError);
    }

    try {
      return await operation(attempt);
    } catch (error: unknown) {
      lastError = error;
      if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) {
        throw error;
      }

      const delayMs = backoffDelay(attempt, options.backoff);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}
