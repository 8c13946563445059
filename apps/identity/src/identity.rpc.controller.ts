import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Logger } from 'pino';
import { AcceptTermsRequest, MicrosoftSignInRequest, Patterns, Reply, SignInResult } from '@team-access/contracts';
import { runWithCorrelation } from '@team-access/messaging';
import { toReply } from '@team-access/runtime';
import { IDENTITY_LOGGER } from './identity.tokens';
import { MicrosoftSignInService } from './microsoft-sign-in/microsoft-sign-in.service';
import { TermsService } from './terms/terms.service';

/** Request-reply endpoints that the gateway calls over Kafka. */
@Controller()
export class IdentityRpcController {
  constructor(
    private readonly microsoftSignIn: MicrosoftSignInService,
    private readonly terms: TermsService,
    @Inject(IDENTITY_LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(Patterns.completeMicrosoftSignIn)
  completeMicrosoftSignIn(@Payload() request: MicrosoftSignInRequest): Promise<Reply<SignInResult>> {
    return runWithCorrelation({ correlationId: request.context.correlationId }, () =>
      toReply(this.logger, Patterns.completeMicrosoftSignIn, () => this.microsoftSignIn.complete(request)),
    );
  }

  @MessagePattern(Patterns.acceptTerms)
  acceptTerms(@Payload() request: AcceptTermsRequest): Promise<Reply<SignInResult>> {
    return runWithCorrelation({ correlationId: request.context.correlationId }, () =>
      toReply(this.logger, Patterns.acceptTerms, () => this.terms.accept(request)),
    );
  }
}
