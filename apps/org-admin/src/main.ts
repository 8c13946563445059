import 'reflect-metadata';
import passport from 'passport';
import { Topics } from '@team-access/contracts';
import { eventSourcedInfrastructure, runService } from '@team-access/runtime';
import { gatewayModule } from './gateway.module';
import { loadGatewaySettings } from './gateway.settings';

void runService({
  name: 'org-admin',
  rpc: false,
  loadSettings: () => loadGatewaySettings(),
  infrastructure: (settings) => eventSourcedInfrastructure('org-admin', settings, Topics.organizationEvents, []),
  module: (settings, _infrastructure, logger) => gatewayModule(settings.gateway, settings.kafkaBrokers, logger),
  configureHttp: (app) => {
    app.use(passport.initialize());
  },
});
