import { Controller, Get, Inject } from '@nestjs/common';
import { Roles } from '@npo/platform';
import { AnalyticsRuntime } from '../analytics-runtime.js';
import { ANALYTICS_RUNTIME } from '../tokens.js';

@Controller('v1/analytics')
export class StatusController {
  constructor(@Inject(ANALYTICS_RUNTIME) private readonly runtime: AnalyticsRuntime) {}

  /** Projector and store state for operators: generation, checkpoint, lag, quarantined events. */
  @Get('status')
  @Roles('ocw', 'admin')
  async status() {
    const s = this.runtime.projection.status;
    const quarantined = await this.runtime.db.read(async (conn) => Number((await conn.runAndReadAll('SELECT count(*) FROM quarantine')).getRows()[0]?.[0] ?? 0));
    return {
      generation: this.runtime.db.generation,
      feed: this.runtime.feed.name,
      projector: { ...s, checkpoint: Object.fromEntries(s.checkpoint) },
      lag: await this.runtime.lag(),
      quarantinedInFile: quarantined,
      releases: (await this.runtime.releases.numbers()).length,
    };
  }
}
