import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ClientsModule, Transport } from '@nestjs/microservices';
import { Logger } from 'pino';
import { GATEWAY_LOGGER, GATEWAY_SETTINGS, GatewaySettings, KAFKA_RPC_CLIENT } from './gateway.tokens';
import { CorrelationMiddleware } from './http/correlation.middleware';
import { GatewayErrorFilter } from './http/error.filter';
import { SessionGuard } from './http/session';
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
            consumer: { groupId: 'org-admin.rpc-replies', allowAutoTopicCreation: false },
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
      OrganizationCommands,
      EntraStrategyRegistrar,
      { provide: GATEWAY_SETTINGS, useValue: settings },
      { provide: GATEWAY_LOGGER, useValue: logger },
      { provide: APP_FILTER, useClass: GatewayErrorFilter },
    ],
  })
  class GatewayModule implements NestModule {
    configure(consumer: MiddlewareConsumer): void {
      consumer.apply(CorrelationMiddleware).forRoutes('*');
    }
  }
  return GatewayModule;
}
