import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { DomainError } from '@team-access/contracts';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The JSON API accepts only JSON objects. Rejecting other content types up front also keeps
 * plain HTML form posts, which browsers send cross-site, away from every endpoint.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  use(request: Request, _response: Response, next: NextFunction): void {
    if (!METHODS_WITH_BODY.has(request.method)) {
      next();
      return;
    }

    const contentType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/json') {
      throw new DomainError('unsupported_media_type', 'request.content_type_unsupported', `Content type "${contentType || 'none'}" is not supported.`, {
        value: contentType || null,
        fix: 'Send a JSON object with content-type application/json.',
      });
    }
    const body: unknown = request.body;
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new DomainError('invalid', 'request.body_invalid', 'The request body must be a JSON object.', {
        fix: 'Send a JSON object such as {"loginName": "jane.doe@contoso.example"}.',
      });
    }
    next();
  }
}
