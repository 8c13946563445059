import { Body, Controller, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';
import { SessionClaims } from '@team-access/auth';
import { CreateInboxRequest, CreateInboxResult, InviteMemberRequest, InviteMemberResult, Patterns, Tier } from '@team-access/contracts';
import { requestContext } from '../http/request-context';
import { Session, SessionGuard } from '../http/session';
import { RpcClient } from '../rpc/rpc.client';

interface InvitationBody {
  loginName?: unknown;
  tier?: unknown;
  role?: unknown;
}

/** Inbox administration for web clients; the inbox service checks every permission itself. */
@Controller('api/organizations/:organizationId/inboxes')
@UseGuards(SessionGuard)
export class InboxesController {
  constructor(private readonly rpc: RpcClient) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  async createInbox(
    @Param('organizationId') organizationId: string,
    @Body() body: { name?: unknown },
    @Session() session: { claims: SessionClaims; token: string },
  ): Promise<CreateInboxResult> {
    const request: CreateInboxRequest = { context: requestContext(session.token), organizationId, name: body?.name as string };
    return this.rpc.call<CreateInboxResult>(Patterns.createInbox, request);
  }

  /** 201 for a new invitation; 200 with the same body when the identical invitation already exists. */
  @Post(':inboxId/invitations')
  async invite(
    @Param('organizationId') organizationId: string,
    @Param('inboxId') inboxId: string,
    @Body() body: InvitationBody,
    @Session() session: { claims: SessionClaims; token: string },
    @Res({ passthrough: true }) response: Response,
  ): Promise<InviteMemberResult> {
    const request: InviteMemberRequest = {
      context: requestContext(session.token),
      organizationId,
      inboxId,
      loginName: body?.loginName as string,
      tier: (body?.tier ?? 'member') as Tier,
      role: body?.role as string | undefined,
    };

    const result = await this.rpc.call<InviteMemberResult>(Patterns.inviteMember, request, inboxId);
    response.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return result;
  }
}
