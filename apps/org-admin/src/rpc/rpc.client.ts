import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { DomainError, Patterns, Reply } from '@team-access/contracts';
import { KAFKA_RPC_CLIENT } from '../gateway.tokens';

const RPC_TIMEOUT_MS = 10_000;
const REPLY_ASSIGNMENT_TIMEOUT_MS = 60_000;

/** Request-reply over Kafka. Unwraps replies: a rejection becomes the same typed DomainError here. */
@Injectable()
export class RpcClient implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(KAFKA_RPC_CLIENT) private readonly client: ClientKafka) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const pattern of Object.values(Patterns)) {
      this.client.subscribeToResponseOf(pattern);
    }
    await this.client.connect();
    await this.waitForReplyAssignments();
  }

  /**
   * Replies reach this instance only once its reply consumer owns partitions; a request sent
   * earlier would time out, so start-up waits for the assignment.
   */
  private async waitForReplyAssignments(): Promise<void> {
    const replyTopics = Object.values(Patterns).map((pattern) => `${pattern}.reply`);
    const deadline = Date.now() + REPLY_ASSIGNMENT_TIMEOUT_MS;
    while (!replyTopics.every((topic) => topic in this.client.getConsumerAssignments())) {
      if (Date.now() > deadline) {
        throw new Error(`The Kafka reply consumer got no partitions within ${REPLY_ASSIGNMENT_TIMEOUT_MS / 1000} s. Check that Kafka is reachable.`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /**
   * Sends a request and waits for its reply. Requests with the same `key` go to the same
   * partition and are handled in order. Pass the aggregate id, so that commands on one
   * aggregate queue instead of conflicting.
   */
  async call<TResult>(pattern: string, request: unknown, key?: string): Promise<TResult> {
    let reply: Reply<TResult>;
    const message = key === undefined ? request : { key, value: request };
    try {
      reply = await firstValueFrom(this.client.send<Reply<TResult>>(pattern, message).pipe(timeout(RPC_TIMEOUT_MS)));
    } catch (error: unknown) {
      if (error instanceof TimeoutError) {
        throw new DomainError('unavailable', 'upstream.timeout', `The service behind ${pattern} did not respond within ${RPC_TIMEOUT_MS / 1000} s.`, {
          fix: 'Retry later. Repeating an invitation is safe: an identical one is not created twice.',
        });
      }
      throw error;
    }

    if (reply.ok) {
      return reply.result;
    }
    throw new DomainError(reply.kind, reply.error.code, reply.error.message, { value: reply.error.value, fix: reply.error.fix });
  }
}
