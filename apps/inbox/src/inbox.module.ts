import { Module } from '@nestjs/common';
import { Logger } from 'pino';
import { InboxCommands } from './inboxes/inbox.commands';
import { InboxRpcController } from './inboxes/inbox.rpc.controller';
import { INBOX_LOGGER } from './inbox.tokens';
import { InboxProjectionWaiter } from './memberships/inbox-projection.waiter';
import { MembershipQueries } from './memberships/memberships.queries';

export function inboxModule(logger: Logger) {
  @Module({
    controllers: [InboxRpcController],
    providers: [InboxCommands, MembershipQueries, InboxProjectionWaiter, { provide: INBOX_LOGGER, useValue: logger }],
  })
  class InboxModule {}
  return InboxModule;
}
