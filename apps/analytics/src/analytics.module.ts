import { type DynamicModule, Module } from '@nestjs/common';
import type { AnalyticsRuntime } from './analytics-runtime.js';
import { ReleasesController } from './http/releases.controller.js';
import { ReportsController } from './http/reports.controller.js';
import { StatusController } from './http/status.controller.js';
import { ReportSource } from './report-source.js';
import { ANALYTICS_RUNTIME, REPORT_SOURCE } from './tokens.js';

@Module({})
export class AnalyticsModule {
  static forRoot(runtime: AnalyticsRuntime): DynamicModule {
    return {
      module: AnalyticsModule,
      controllers: [ReportsController, ReleasesController, StatusController],
      providers: [
        { provide: ANALYTICS_RUNTIME, useValue: runtime },
        { provide: REPORT_SOURCE, useValue: new ReportSource(runtime) },
      ],
    };
  }
}
