import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';
import { AllowScrapeToken, Roles } from '../nest/auth.decorators.js';
import { PlatformMetrics } from './platform-metrics.js';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PlatformMetrics) private readonly metrics: PlatformMetrics) {}

  /**
   * Prometheus text exposition, for role admin or the scrape token (NPO_METRICS_TOKEN). It holds no school
   * data, but request counts per route and the projection's progress are the operators' business.
   */
  @Roles('admin')
  @AllowScrapeToken()
  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
