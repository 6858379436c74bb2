import { type BeforeApplicationShutdown, Controller, Get, Inject, Res } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { type PlatformLogger } from '../logging/logger.js';
import { Public } from '../nest/auth.decorators.js';
import { PLATFORM_LOGGER } from '../nest/tokens.js';
import { ReadinessChecks, type ReadinessReport } from './readiness.js';

@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  constructor(
    @Inject(ReadinessChecks) private readonly readiness: ReadinessChecks,
    @Inject(PLATFORM_LOGGER) private readonly logger: PlatformLogger,
  ) {}

  /** The process runs and answers HTTP; nothing else is checked, so a slow dependency never restarts it. */
  @Public()
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Every registered check passes. 503 otherwise, naming the checks that are down (not why: that goes to the log). */
  @Public()
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<{ status: 'ok' | 'unavailable' } & Pick<ReadinessReport, 'checks'>> {
    const report = await this.readiness.run(({ check, error }) => this.logger.warn({ check, err: error }, 'readiness check failed'));
    reply.status(report.ready ? 200 : 503);
    return { status: report.ready ? 'ok' : 'unavailable', checks: report.checks };
  }

  beforeApplicationShutdown(): void {
    this.readiness.markShuttingDown();
  }
}
