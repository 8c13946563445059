import { Controller, Get, Inject, Res } from '@nestjs/common';
import { Response } from 'express';
import { HealthReport } from './service-infrastructure';

export const HEALTH_PROBE = Symbol('HEALTH_PROBE');
export type HealthProbe = () => Promise<HealthReport>;

/** Serves `GET /health`: 200 when every dependency responds, 503 with the failing checks otherwise. */
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_PROBE) private readonly probe: HealthProbe) {}

  @Get()
  async health(@Res() response: Response): Promise<void> {
    const report = await this.probe();
    response.status(report.status === 'ok' ? 200 : 503).json(report);
  }
}
