import { Module } from '@nestjs/common';
import { Logger } from 'pino';
import { SessionTokenSigner } from '@team-access/auth';
import { IdentityRpcController } from './identity.rpc.controller';
import { IDENTITY_LOGGER, IDENTITY_SETTINGS, IdentitySettings, SESSION_SIGNER } from './identity.tokens';
import { MicrosoftSignInService } from './microsoft-sign-in/microsoft-sign-in.service';
import { TermsService } from './terms/terms.service';
import { UserRepository } from './users/user.repository';

export function identityModule(settings: IdentitySettings, signer: SessionTokenSigner, logger: Logger) {
  @Module({
    controllers: [IdentityRpcController],
    providers: [
      MicrosoftSignInService,
      TermsService,
      UserRepository,
      { provide: IDENTITY_LOGGER, useValue: logger },
      { provide: IDENTITY_SETTINGS, useValue: settings },
      { provide: SESSION_SIGNER, useValue: signer },
    ],
  })
  class IdentityModule {}
  return IdentityModule;
}
