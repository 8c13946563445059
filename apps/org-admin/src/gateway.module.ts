import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { Logger } from 'pino';
import { KAFKA_NAMESPACE } from '@team-access/contracts';
import { CLOCK, Clock } from '@team-access/runtime';
import { ENTRA_STATE_STORE, GATEWAY_LOGGER, GATEWAY_SETTINGS, GatewaySettings, KAFKA_RPC_CLIENT } from './gateway.tokens';
import { EncryptedCookieStateStore } from './sign-in/entra-state.store';
import { CorrelationMiddleware } from './http/correlation.middleware';
import { GatewayErrorFilter } from './http/error.filter';
import { JsonBodyMiddleware } from './http/json-body.middleware';
import { BrowserSessions, SessionGuard } from './http/session';
import { InboxesController } from './inboxes/inboxes.controller';
import { MeController } from './me/me.controller';
import { OrganizationCommands } from './organizations/organization.commands';
import { PlatformController } from './platform/platform.controller';
import { RpcClient } from './rpc/rpc.client';
import { EntraStrategyRegistrar } from './sign-in/entra-strategy.registrar';
import { SignInController } from './sign-in/sign-in.controller';
import { APP_FILTER } from '@nestjs/core';

export function gatewayModule(settings: GatewaySettings, kafkaBrokers: string[], logger: Logger) {
  @Module({
    imports: [
      ClientsModule.register([
        {
          name: KAFKA_RPC_CLIENT,
          transport: Transport.KAFKA,
          options: {
            client: { clientId: 'org-admin-rpc-client', brokers: kafkaBrokers },
            consumer: { groupId: `${KAFKA_NAMESPACE}org-admin.rpc-replies`, allowAutoTopicCreation: false },
            producer: { allowAutoTopicCreation: false },
            postfixId: '',
          },
        },
      ]),
    ],
    controllers: [SignInController, MeController, InboxesController, PlatformController],
    providers: [
      RpcClient,
      SessionGuard,
      BrowserSessions,
      OrganizationCommands,
      EntraStrategyRegistrar,
      { provide: GATEWAY_SETTINGS, useValue: settings },
      {
        provide: ENTRA_STATE_STORE,
        useFactory: (clock: Clock) => new EncryptedCookieStateStore(settings.entra.stateSecret, settings.secureCookies, clock),
        inject: [CLOCK],
      },
      { provide: GATEWAY_LOGGER, useValue: logger },
      { provide: APP_FILTER, useClass: GatewayErrorFilter },
    ],
  })
  class GatewayModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(CorrelationMiddleware).forRoutes('*');
      consumer.apply(JsonBodyMiddleware).forRoutes('api/*path', 'platform/*path');
    }
  }
  return GatewayModule;
}
