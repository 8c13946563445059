import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import { Response } from 'express';
import { Logger } from 'pino';
import { DomainError, ErrorKind } from '@team-access/contracts';
import { GATEWAY_LOGGER } from '../gateway.tokens';

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Maps every error to one JSON shape, `{ error: { code, message, value?, fix? } }`, once.
 * Unknown errors are logged with their cause and answered with a generic 500.
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

    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const message = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : error.message;
      response.status(status).json({
        error: {
          code: status === HttpStatus.NOT_FOUND ? 'route.not_found' : 'request.invalid',
          message: Array.isArray(message) ? message.join('; ') : String(message),
        },
      });
      return;
    }

    this.logger.error({ err: error }, 'request failed');
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ error: { code: 'internal_error', message: 'The request failed on our side. Retry later.' } });
  }
}
