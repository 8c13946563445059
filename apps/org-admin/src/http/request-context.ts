import { randomUUID } from 'node:crypto';
import { RequestContext } from '@team-access/contracts';
import { currentCorrelation } from '@team-access/messaging';

/** Builds the context forwarded with every request to another service. */
export function requestContext(sessionToken?: string): RequestContext {
  return { correlationId: currentCorrelation()?.correlationId ?? randomUUID(), sessionToken };
}
