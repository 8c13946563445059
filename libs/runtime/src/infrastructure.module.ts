import { DynamicModule, Global, Module } from '@nestjs/common';
import { SessionTokenVerifier } from '@team-access/auth';
import { ServiceInfrastructure } from './service-infrastructure';
import { CLOCK, EVENT_STORE, MONGO_CONNECTION, PERSONAL_DATA_VAULT, SESSION_VERIFIER } from './tokens';

/** Exposes one service's started infrastructure to its Nest providers under the shared tokens. */
@Global()
@Module({})
export class InfrastructureModule {
  static register(infrastructure: ServiceInfrastructure, sessionVerifier: SessionTokenVerifier): DynamicModule {
    const providers = [
      { provide: ServiceInfrastructure, useValue: infrastructure },
      { provide: EVENT_STORE, useValue: infrastructure.eventStore },
      { provide: PERSONAL_DATA_VAULT, useValue: infrastructure.vault },
      { provide: MONGO_CONNECTION, useValue: infrastructure.mongo },
      { provide: SESSION_VERIFIER, useValue: sessionVerifier },
      { provide: CLOCK, useValue: () => new Date() },
    ];
    return { module: InfrastructureModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}
