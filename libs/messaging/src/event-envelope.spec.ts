// Real: the envelope encoder and decoder. Mocked: nothing (no Kafka involved).
import { EventHeaders } from '@team-access/contracts';
import type { RecordedEvent } from '@team-access/event-store';
import { decodeEventMessage, headerValue, toKafkaMessage } from './event-envelope';
import { testEvent } from './testing/test-events';

function recorded(causationId: string | null): RecordedEvent {
  const event = testEvent('inbox.inbox.created', { inboxId: 'i-1' }, { correlationId: 'corr-1', organizationId: 'org-1', causationId });
  return { ...event, streamId: 'inbox-i-1', revision: 3, position: 42, recordedAt: new Date(0) };
}

describe('toKafkaMessage', () => {
  it('keys by stream id and sets every header', () => {
    const event = recorded('cause-1');

    const message = toKafkaMessage(event, { inboxId: 'i-1', name: 'plain' });

    expect(message.key).toBe('inbox-i-1');
    expect(headerValue(message.headers, EventHeaders.eventId)).toBe(event.metadata.eventId);
    expect(headerValue(message.headers, EventHeaders.eventType)).toBe('inbox.inbox.created');
    expect(headerValue(message.headers, EventHeaders.schemaVersion)).toBe('1');
    expect(headerValue(message.headers, EventHeaders.correlationId)).toBe('corr-1');
    expect(headerValue(message.headers, EventHeaders.causationId)).toBe('cause-1');
    expect(headerValue(message.headers, EventHeaders.organizationId)).toBe('org-1');
    expect(headerValue(message.headers, EventHeaders.streamId)).toBe('inbox-i-1');
    expect(headerValue(message.headers, EventHeaders.streamRevision)).toBe('3');
  });

  it('omits the causation header without a cause', () => {
    const message = toKafkaMessage(recorded(null), {});

    expect(headerValue(message.headers, EventHeaders.causationId)).toBeUndefined();
  });

  it('round-trips through decodeEventMessage with transformed data', () => {
    const event = recorded(null);
    const message = toKafkaMessage(event, { inboxId: 'i-1', name: 'decrypted' });

    const decoded = decodeEventMessage({ value: Buffer.from(String(message.value)) });

    expect(decoded).toEqual({
      ok: true,
      envelope: {
        type: 'inbox.inbox.created',
        schemaVersion: 1,
        data: { inboxId: 'i-1', name: 'decrypted' },
        metadata: event.metadata,
        streamId: 'inbox-i-1',
        revision: 3,
        position: 42,
      },
    });
  });
});

describe('decodeEventMessage', () => {
  it.each([
    ['a tombstone', null, 'tombstone'],
    ['invalid JSON', Buffer.from('{nope'), 'not JSON'],
    ['a missing event id', Buffer.from(JSON.stringify({ type: 't', schemaVersion: 1, data: {}, metadata: {}, streamId: 's', revision: 0, position: 1 })), 'metadata.eventId'],
  ])('rejects %s', (_case, value, reason) => {
    const decoded = decodeEventMessage({ value });

    expect(decoded.ok).toBe(false);
    expect(decoded.ok ? '' : decoded.reason).toContain(reason);
  });
});
