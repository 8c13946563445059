import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Logger } from 'pino';
import { CreateInboxRequest, CreateInboxResult, InboxSummary, InviteMemberRequest, InviteMemberResult, ListInboxesOfUserRequest, Patterns, Reply } from '@team-access/contracts';
import { runWithCorrelation } from '@team-access/messaging';
import { toReply } from '@team-access/runtime';
import { MembershipQueries } from '../memberships/memberships.queries';
import { INBOX_LOGGER } from '../inbox.tokens';
import { InboxCommands } from './inbox.commands';
import { InboxProjectionWaiter } from '../memberships/inbox-projection.waiter';

/** Request-reply endpoints that the gateway calls over Kafka. */
@Controller()
export class InboxRpcController {
  constructor(
    private readonly commands: InboxCommands,
    private readonly queries: MembershipQueries,
    private readonly projection: InboxProjectionWaiter,
    @Inject(INBOX_LOGGER) private readonly logger: Logger,
  ) {}

  @MessagePattern(Patterns.createInbox)
  createInbox(@Payload() request: CreateInboxRequest): Promise<Reply<CreateInboxResult>> {
    return runWithCorrelation({ correlationId: request.context.correlationId, organizationId: request.organizationId }, () =>
      toReply(this.logger, Patterns.createInbox, async () => {
        const { lastPosition, ...result } = await this.commands.createInbox(request.context, request.organizationId, request.name);
        await this.projection.waitFor(lastPosition);
        return result;
      }),
    );
  }

  @MessagePattern(Patterns.inviteMember)
  inviteMember(@Payload() request: InviteMemberRequest): Promise<Reply<InviteMemberResult>> {
    return runWithCorrelation({ correlationId: request.context.correlationId, organizationId: request.organizationId }, () =>
      toReply(this.logger, Patterns.inviteMember, async () => {
        const { lastPosition, ...result } = await this.commands.inviteMember(request.context, request);
        await this.projection.waitFor(lastPosition);
        return result;
      }),
    );
  }

  @MessagePattern(Patterns.listInboxesOfUser)
  listInboxesOfUser(@Payload() request: ListInboxesOfUserRequest): Promise<Reply<InboxSummary[]>> {
    return runWithCorrelation({ correlationId: request.context.correlationId }, () =>
      toReply(this.logger, Patterns.listInboxesOfUser, () => this.queries.listInboxesOfUser(request.context)),
    );
  }
}
