import { Server } from 'node:http';
import { DynamicModule, INestApplication, INestMicroservice, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cookieParser from 'cookie-parser';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import { Logger } from 'pino';
import { SessionTokenVerifier } from '@team-access/auth';
import { ConfigError } from '@team-access/config';
import { createLogger } from '@team-access/messaging';
import { HEALTH_PROBE, HealthController } from './health.controller';
import { InfrastructureModule } from './infrastructure.module';
import { connectRpcServer, isRpcServerReady } from './rpc-server';
import { readJwkFile } from './service-config';
import { InfrastructureSettings, ServiceInfrastructure, withTimeout } from './service-infrastructure';

const HEALTH_PROBE_TIMEOUT_MS = 2_000;
/** In-flight HTTP requests get this long to finish after SIGTERM before their connections close. */
const SHUTDOWN_GRACE_MS = 10_000;
/** A stop that takes longer exits with code 1, before a typical 30 s supervisor SIGKILL. */
const SHUTDOWN_DEADLINE_MS = 25_000;

export interface ServiceDefinition<TSettings> {
  name: string;
  /** Parses and validates configuration; throws ConfigError naming every bad setting. */
  loadSettings(): TSettings & { httpPort: number; httpHost: string; sessionJwkFile: string; kafkaBrokers: string[] };
  infrastructure(settings: TSettings): InfrastructureSettings;
  /** The service's own feature module, given what the infrastructure started. */
  module(settings: TSettings, infrastructure: ServiceInfrastructure, logger: Logger): Promise<DynamicModule | Type<unknown>> | DynamicModule | Type<unknown>;
  /** Serves @MessagePattern handlers over Kafka when true. */
  rpc: boolean;
  /** Extra start-up work after HTTP and RPC are up, such as Kafka consumers; returns their stopper. */
  afterStart?(app: INestApplication, infrastructure: ServiceInfrastructure, logger: Logger, settings: TSettings): Promise<() => Promise<void>>;
  configureHttp?(app: INestApplication): void;
}

/**
 * Starts one service: configuration, infrastructure, Nest with pino logs, the RPC transport,
 * background work (projections and relay), HTTP, and a graceful stop on SIGTERM or SIGINT that
 * stops consuming first, lets in-flight work finish, stores checkpoints and closes connections.
 */
export async function runService<TSettings>(definition: ServiceDefinition<TSettings>): Promise<void> {
  let settings: ReturnType<ServiceDefinition<TSettings>['loadSettings']>;
  try {
    settings = definition.loadSettings();
  } catch (error: unknown) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${definition.name} cannot start. ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(definition.name);
  logger.info('Service starting');
  const infrastructure = await ServiceInfrastructure.start(definition.infrastructure(settings), logger);
  const verifier = await SessionTokenVerifier.fromJwk(readJwkFile('SESSION_JWK_FILE', settings.sessionJwkFile));

  let rpcServer: INestMicroservice | null = null;
  const featureModule = await definition.module(settings, infrastructure, logger);

  @Module({
    imports: [
      LoggerModule.forRoot({
        pinoHttp: {
          logger,
          // The logger's mixin adds correlationId and organizationId. Requests and responses are
          // reduced to method, path and status: query strings carry OAuth codes and state, and
          // headers carry cookies, session tokens and CSRF tokens.
          serializers: {
            req: (request: { method?: string; url?: string }) => ({ method: request.method, path: (request.url ?? '').split('?')[0] }),
            res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
          },
          autoLogging: { ignore: (request) => request.url === '/health' },
        },
      }),
      InfrastructureModule.register(infrastructure, verifier),
      featureModule,
    ],
    controllers: [HealthController],
    providers: [
      {
        provide: HEALTH_PROBE,
        useValue: async () => {
          const report = await infrastructure.health();
          if (rpcServer) {
            const ready = await withTimeout(isRpcServerReady(rpcServer), HEALTH_PROBE_TIMEOUT_MS).catch(() => false);
            report.checks.rpc = ready ? { status: 'ok' } : { status: 'failed', error: 'the Kafka request consumer has not joined its group yet' };
            report.status = ready && report.status === 'ok' ? 'ok' : 'degraded';
          }
          return report;
        },
      },
    ],
  })
  class ServiceRootModule {}

  const app = await NestFactory.create(ServiceRootModule, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  app.use(cookieParser());
  definition.configureHttp?.(app);
  if (definition.rpc) {
    rpcServer = connectRpcServer(app, definition.name, settings.kafkaBrokers);
  }

  await app.startAllMicroservices();
  await infrastructure.startBackgroundWork();
  const stopExtras = definition.afterStart ? await definition.afterStart(app, infrastructure, logger, settings) : async () => undefined;
  await app.listen(settings.httpPort, settings.httpHost);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'Service stopping');

    // Keep-alive connections would hold app.close() open as long as clients keep sending, so
    // idle ones close at once, busy ones after a grace period, and the whole stop has a deadline.
    const server = app.getHttpServer() as Server;
    server.closeIdleConnections();
    const closeBusy = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_DEADLINE_MS }, 'Service did not stop in time; exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    closeBusy.unref();
    deadline.unref();
    try {
      await app.close();
      await stopExtras();
      await infrastructure.stop();
      logger.info('Service stopped');
      process.exit(0);
    } catch (error: unknown) {
      logger.error({ err: error }, 'Service did not stop cleanly');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  // Logged last, because supervisors and tests may send SIGTERM as soon as they read it.
  logger.info({ port: settings.httpPort, host: settings.httpHost }, 'Service started');
}
