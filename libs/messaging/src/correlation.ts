import { AsyncLocalStorage } from 'node:async_hooks';

/** Request-scoped ids that every log line and every outgoing message carries. */
export interface CorrelationContext {
  correlationId: string;
  organizationId?: string;
}

const storage = new AsyncLocalStorage<CorrelationContext>();

/** Runs `fn` with `context` as the current correlation, visible to all async work it starts. */
export function runWithCorrelation<T>(context: CorrelationContext, fn: () => T): T {
  return storage.run({ ...context }, fn);
}

/** Returns the correlation of the running request or message, or undefined outside one. */
export function currentCorrelation(): CorrelationContext | undefined {
  return storage.getStore();
}
