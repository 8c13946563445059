import { Connection } from 'mongoose';
import { Logger } from 'pino';
import { EventEnvelope } from '@team-access/messaging';
import { projectDirectoryEvent } from './directory.projection';

const DUPLICATE_KEY = 11000;

/**
 * Applies organization and inbox events to identity's directory. A replayed event either matches
 * nothing or, for an upsert, collides on `_id` with the newer document; both mean "already applied".
 */
export function directoryEventsHandler(connection: Connection, logger: Logger) {
  return async (envelope: EventEnvelope): Promise<void> => {
    for (const write of projectDirectoryEvent(envelope)) {
      try {
        await connection.collection(write.collection).updateOne(write.filter, write.update, { upsert: write.upsert });
      } catch (error: unknown) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) {
          throw error;
        }
        logger.debug({ eventId: envelope.metadata.eventId, type: envelope.type }, 'Directory write already applied');
      }
    }
  };
}
