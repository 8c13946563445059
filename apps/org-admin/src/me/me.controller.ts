import { Body, Controller, Get, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import { Response } from 'express';
import { SessionClaims } from '@team-access/auth';
import { AcceptTermsRequest, InboxSummary, ListInboxesOfUserRequest, Patterns, SignInResult } from '@team-access/contracts';
import { requestContext } from '../http/request-context';
import { BrowserSessions, Session, SessionGuard } from '../http/session';
import { RpcClient } from '../rpc/rpc.client';

/** The signed-in person: who they are, the terms step, and their inboxes. */
@Controller('api/me')
@UseGuards(SessionGuard)
export class MeController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly sessions: BrowserSessions,
  ) {}

  @Get()
  me(@Session() session: { claims: SessionClaims }) {
    const { userId, organizationId, loginName, organizationOwner, permissions, termsAccepted } = session.claims;
    return { userId, organizationId, loginName, organizationOwner, permissions, termsAccepted };
  }

  @Post('terms')
  @HttpCode(HttpStatus.OK)
  async acceptTerms(
    @Body() body: { termsVersion?: unknown },
    @Session() session: { token: string },
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ termsAccepted: true; sessionToken: string }> {
    const request: AcceptTermsRequest = { context: requestContext(session.token), termsVersion: body?.termsVersion as string };
    const result = await this.rpc.call<SignInResult>(Patterns.acceptTerms, request);

    this.sessions.start(response, result.sessionToken);
    return { termsAccepted: true, sessionToken: result.sessionToken };
  }

  @Get('inboxes')
  async inboxes(@Session() session: { token: string }): Promise<{ inboxes: InboxSummary[] }> {
    const request: ListInboxesOfUserRequest = { context: requestContext(session.token) };
    return { inboxes: await this.rpc.call<InboxSummary[]>(Patterns.listInboxesOfUser, request) };
  }
}
