import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import passport from 'passport';
import { Logger } from 'pino';
import { DomainError, MicrosoftSignInRequest, Patterns, SignInResult } from '@team-access/contracts';
import { CLOCK, Clock } from '@team-access/runtime';
import { ENTRA_STATE_STORE, GATEWAY_LOGGER, GATEWAY_SETTINGS, GatewaySettings } from '../gateway.tokens';
import { requestContext } from '../http/request-context';
import { RpcClient } from '../rpc/rpc.client';
import { EncryptedCookieStateStore } from './entra-state.store';
import { EntraStrategy } from './entra.strategy';
import { refusalOf, SignInOutcome } from './sign-in.controller';

/** Registers the Entra strategy with passport. Its verify step sends identity the request to finish the sign-in. */
@Injectable()
export class EntraStrategyRegistrar implements OnModuleInit {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
    @Inject(ENTRA_STATE_STORE) private readonly stateStore: EncryptedCookieStateStore,
  ) {}

  onModuleInit(): void {
    const { entra, publicBaseUrl } = this.settings;
    const strategy = new EntraStrategy(
      {
        authorityHost: entra.authorityHost,
        clientId: entra.clientId,
        clientSecret: entra.clientSecret,
        callbackUrl: `${publicBaseUrl}/auth/microsoft/callback`,
        stateStore: this.stateStore,
        now: this.clock,
      },
      (_request, identity, done) => {
        const request: MicrosoftSignInRequest = { context: requestContext(), ...identity };
        this.rpc
          .call<SignInResult>(Patterns.completeMicrosoftSignIn, request)
          .then((result) => done(null, { result } satisfies SignInOutcome))
          .catch((error: unknown) => {
            if (error instanceof DomainError) {
              done(null, refusalOf(error));
              return;
            }
            this.logger.error({ err: error }, 'identity could not complete the Microsoft sign-in');
            done(error instanceof Error ? error : new Error(String(error)));
          });
      },
    );
    passport.use(strategy);
  }
}
