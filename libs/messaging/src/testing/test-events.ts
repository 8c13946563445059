import { randomUUID } from 'node:crypto';
import type { NewEvent } from '@team-access/event-store';

/** Builds an event for tests; `data` defaults to `{ n }` so tests can check the order. */
export function testEvent(type: string, data: unknown, overrides: { correlationId?: string; organizationId?: string; causationId?: string | null } = {}): NewEvent {
  return {
    type,
    schemaVersion: 1,
    data,
    metadata: {
      eventId: randomUUID(),
      correlationId: overrides.correlationId ?? randomUUID(),
      causationId: overrides.causationId ?? null,
      actor: { kind: 'system', name: 'test' },
      organizationId: overrides.organizationId ?? 'org-test',
      occurredAt: '2025-01-01T00:00:00.000Z',
    },
  };
}

/** Polls `condition` until it returns true, failing with `description` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, description: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;

  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting until ${description}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
