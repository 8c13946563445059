import { INestApplication, INestMicroservice } from '@nestjs/common';
import { KafkaOptions, Transport } from '@nestjs/microservices';
import { Consumer } from 'kafkajs';
import { KAFKA_NAMESPACE, Patterns } from '@team-access/contracts';

/** Partitions of every topic; also the number of requests a service handles at once. */
export const RPC_PARTITIONS = 3;

/** Request topics and their reply topics, created at start-up so no consumer waits on auto-creation. */
export const RPC_TOPICS: string[] = Object.values(Patterns).flatMap((pattern) => [pattern, `${pattern}.reply`]);

/**
 * Attaches the @nestjs/microservices Kafka transport that serves this service's
 * @MessagePattern handlers. Requests are consumed by group `<service>.rpc`.
 */
export function connectRpcServer(app: INestApplication, serviceName: string, brokers: string[]): INestMicroservice {
  const options: KafkaOptions = {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: `${serviceName}-rpc`, brokers },
      consumer: { groupId: `${KAFKA_NAMESPACE}${serviceName}.rpc`, allowAutoTopicCreation: false },
      subscribe: { fromBeginning: false },
      // Each partition is handled in order; partitions run in parallel.
      run: { partitionsConsumedConcurrently: RPC_PARTITIONS },
      postfixId: '',
    },
  };
  return app.connectMicroservice(options, { inheritAppConfig: true });
}

/** True once the RPC consumer group is stable, that is, this instance will receive requests. */
export async function isRpcServerReady(server: INestMicroservice): Promise<boolean> {
  const [, consumer] = server.unwrap<[unknown, Consumer, unknown]>();
  if (!consumer) {
    return false;
  }
  const description = await consumer.describeGroup();
  return description.state === 'Stable';
}
