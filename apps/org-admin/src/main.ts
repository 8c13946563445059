import 'reflect-metadata';
import passport from 'passport';
import { Topics } from '@team-access/contracts';
import { RPC_TOPICS, runService } from '@team-access/runtime';
import { gatewayModule } from './gateway.module';
import { loadGatewaySettings } from './gateway.settings';

void runService({
  name: 'org-admin',
  rpc: false,
  loadSettings: () => loadGatewaySettings(),
  infrastructure: (settings) => ({
    serviceName: 'org-admin',
    kafkaBrokers: settings.kafkaBrokers,
    mongodbUrl: settings.MONGODB_URL,
    eventStore: {
      kind: settings.EVENT_STORE,
      postgresUrl: settings.EVENT_STORE_PG_URL,
      eventStoreDbUrl: settings.EVENTSTOREDB_URL,
      personalDataMasterKeyFile: settings.PERSONAL_DATA_MASTER_KEY_FILE,
      topic: Topics.organizationEvents,
      projections: [],
    },
    topics: [...Object.values(Topics), ...RPC_TOPICS],
  }),
  module: (settings, _infrastructure, logger) => gatewayModule(settings.gateway, settings.kafkaBrokers, logger),
  configureHttp: (app) => {
    app.use(passport.initialize());
  },
});
