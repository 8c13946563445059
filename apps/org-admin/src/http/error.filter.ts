import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { Response } from 'express';
import { Logger } from 'pino';
import { DomainError, ErrorKind } from '@team-access/contracts';
import { GATEWAY_LOGGER } from '../gateway.tokens';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unsupported_media_type: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Maps every error to one JSON shape, `{ error: { code, message, value?, fix? } }`, once.
 * Unknown errors are logged with their cause, and the client gets a generic 500.
 */
@Catch()
export class GatewayErrorFilter implements ExceptionFilter {
  constructor(@Inject(GATEWAY_LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();

    if (error instanceof DomainError) {
      response.status(STATUS_BY_KIND[error.kind]).json({ error: error.toBody() });
      return;
    }

    const bodyError = bodyParserError(error);
    if (bodyError) {
      response.status(bodyError.status).json({ error: bodyError.body });
      return;
    }

    if (error instanceof HttpException && error.getStatus() === HttpStatus.BAD_REQUEST) {
      // The gateway validates bodies itself, so Nest's own 400s come from the JSON parser; the
      // parser's text (positions, tokens) would only confuse a client.
      response.status(HttpStatus.BAD_REQUEST).json({ error: BODY_ERRORS['entity.parse.failed'] });
      return;
    }

    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const message = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : error.message;
      const notFound = status === HttpStatus.NOT_FOUND;
      response.status(status).json({
        error: {
          code: notFound ? 'route.not_found' : 'request.invalid',
          message: Array.isArray(message) ? message.join('; ') : String(message),
          fix: notFound ? 'Check the method and path against the API reference in the README.' : 'Correct the request and send it again.',
        },
      });
      return;
    }

    this.logger.error({ err: error }, 'request failed');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      error: { code: 'internal_error', message: 'The request failed on our side.', fix: 'Retry later; if it keeps failing, report the x-correlation-id response header.' },
    });
  }
}

/** Errors of the body parser (body-parser via Express) carry a `type` and a 4xx `status`. */
const BODY_ERRORS: Record<string, { code: string; message: string; fix: string }> = {
  'entity.parse.failed': { code: 'request.body_invalid', message: 'The request body is not valid JSON.', fix: 'Send a JSON object with content-type application/json.' },
  'entity.too.large': { code: 'request.body_too_large', message: 'The request body is larger than 100 KB.', fix: 'Send a smaller body.' },
  'charset.unsupported': { code: 'request.charset_unsupported', message: 'The request body charset is not supported.', fix: 'Send the body in UTF-8.' },
  'encoding.unsupported': { code: 'request.encoding_unsupported', message: 'The content-encoding is not supported.', fix: 'Send the body uncompressed, or with gzip or deflate.' },
  'request.aborted': { code: 'request.aborted', message: 'The request body was not received completely.', fix: 'Send the request again.' },
  'request.size.invalid': { code: 'request.body_invalid', message: 'The request body length does not match its content-length.', fix: 'Send a correct content-length.' },
};

function bodyParserError(error: unknown): { status: number; body: { code: string; message: string; fix: string } } | null {
  const candidate = error as { type?: unknown; status?: unknown; statusCode?: unknown };
  const status = Number(candidate?.status ?? candidate?.statusCode);
  if (typeof candidate?.type !== 'string' && !(status >= 400 && status < 500 && error instanceof Error && !(error instanceof HttpException))) {
    return null;
  }
  if (!(status >= 400 && status < 500)) {
    return null;
  }
  const known = typeof candidate.type === 'string' ? BODY_ERRORS[candidate.type] : undefined;
  return {
    status,
    body: known ?? { code: 'request.body_invalid', message: 'The request body could not be read.', fix: 'Send a UTF-8 JSON object with content-type application/json.' },
  };
}
