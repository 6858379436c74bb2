import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Registry } from 'prom-client';
import { Public } from '../nest/auth.decorators.js';
import { PlatformMetrics } from './platform-metrics.js';

@Controller('metrics')
export class MetricsController {
  constructor(@Inject(PlatformMetrics) private readonly metrics: PlatformMetrics) {}

  /** Prometheus text exposition. Public like the health routes: it holds no school data. */
  @Public()
  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
