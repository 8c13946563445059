import { timingSafeEqual } from 'node:crypto';
import { Body, Controller, Headers, Inject, Post, Res } from '@nestjs/common';
import { Response } from 'express';
import { DomainError } from '@team-access/contracts';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.tokens';
import { requestContext } from '../http/request-context';
import { CreateOrganizationInput, OrganizationCommands } from '../organizations/organization.commands';

/**
 * Operator endpoints of the platform itself, guarded by the platform admin token: the only way
 * to create an organization with its first owner before anyone can sign in.
 */
@Controller('platform')
export class PlatformController {
  constructor(
    private readonly organizations: OrganizationCommands,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  @Post('organizations')
  async createOrganization(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: CreateOrganizationInput,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ organizationId: string; created: boolean }> {
    this.assertPlatformAdmin(authorization);

    const { organizationId, created } = await this.organizations.create(body ?? {}, requestContext().correlationId);
    response.status(created ? 201 : 200);
    return { organizationId, created };
  }

  private assertPlatformAdmin(authorization: string | undefined): void {
    const presented = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(this.settings.platformAdminToken);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      throw new DomainError('unauthenticated', 'platform.token_invalid', 'This endpoint needs the platform admin token.', {
        fix: 'Send "Authorization: Bearer <PLATFORM_ADMIN_TOKEN>".',
      });
    }
  }
}
