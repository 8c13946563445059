import { Logger } from 'pino';
import { DomainError, Reply } from '@team-access/contracts';
import { WrongExpectedRevisionError } from '@team-access/event-store';

/**
 * Runs a request handler and turns its outcome into a Kafka reply. Domain errors become typed
 * rejections. Anything else is logged with its cause and returned as `unavailable`, without
 * internal details.
 */
export async function toReply<T>(logger: Logger, pattern: string, work: () => Promise<T>): Promise<Reply<T>> {
  try {
    return { ok: true, result: await work() };
  } catch (error: unknown) {
    if (error instanceof DomainError) {
      logger.info({ pattern, errorCode: error.code }, 'request rejected');
      return { ok: false, kind: error.kind, error: error.toBody() };
    }
    if (error instanceof WrongExpectedRevisionError) {
      logger.warn({ pattern, streamId: error.streamId }, 'request gave up after repeated concurrent changes');
      return {
        ok: false,
        kind: 'conflict',
        error: { code: 'concurrent_change', message: 'The same data was changed concurrently too often. Retry the request.' },
      };
    }
    logger.error({ pattern, err: error }, 'request failed');
    return { ok: false, kind: 'unavailable', error: { code: 'internal_error', message: 'The request failed on our side. Retry later.' } };
  }
}
