import { randomUUID } from 'node:crypto';
import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { runWithCorrelation } from '@team-access/messaging';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_PATTERN = /^[A-Za-z0-9._-]{8,128}$/;

/** Takes the caller's correlation id when it is well-formed, else makes one, and echoes it back. */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware {
  use(request: Request, response: Response, next: NextFunction): void {
    const incoming = request.headers[CORRELATION_HEADER];
    const correlationId = typeof incoming === 'string' && CORRELATION_PATTERN.test(incoming) ? incoming : randomUUID();

    response.setHeader(CORRELATION_HEADER, correlationId);
    const organizationId = /\/organizations\/([^/?]+)/.exec(request.originalUrl)?.[1];
    runWithCorrelation({ correlationId, organizationId }, next);
  }
}

export function correlationIdOf(response: Response): string {
  return String(response.getHeader(CORRELATION_HEADER) ?? randomUUID());
}
