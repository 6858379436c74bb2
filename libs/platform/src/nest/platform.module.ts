import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TokenService } from '../auth/token-service.js';
import { type PlatformConfig } from '../config/config.schema.js';
import { ErrorMappings } from '../errors/error-mappings.js';
import { HealthController } from '../health/health.controller.js';
import { ReadinessChecks } from '../health/readiness.js';
import { type PlatformLogger } from '../logging/logger.js';
import { MetricsController } from '../metrics/metrics.controller.js';
import { PlatformMetrics } from '../metrics/platform-metrics.js';
import { AuthGuard } from './auth.guard.js';
import { ProblemFilter } from './problem.filter.js';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from './tokens.js';

/** The shared services of one app instance. {@link createNestApp} builds it; tests may build their own. */
export interface PlatformContext {
  readonly config: PlatformConfig;
  readonly logger: PlatformLogger;
  readonly tokens: TokenService;
  readonly errorMappings: ErrorMappings;
  readonly readiness: ReadinessChecks;
  readonly metrics: PlatformMetrics;
}

/**
 * Global: every module of the app can inject PLATFORM_CONFIG, PLATFORM_LOGGER, TokenService,
 * ErrorMappings, ReadinessChecks and PlatformMetrics. Installs the auth guard and the problem
 * filter for all routes, and serves /health/live, /health/ready and /metrics.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(context: PlatformContext): DynamicModule {
    const values = [
      { provide: PLATFORM_CONFIG, useValue: context.config },
      { provide: PLATFORM_LOGGER, useValue: context.logger },
      { provide: TokenService, useValue: context.tokens },
      { provide: ErrorMappings, useValue: context.errorMappings },
      { provide: ReadinessChecks, useValue: context.readiness },
      { provide: PlatformMetrics, useValue: context.metrics },
    ];
    return {
      module: PlatformModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [...values, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_FILTER, useClass: ProblemFilter }],
      exports: values.map((v) => v.provide),
    };
  }
}
