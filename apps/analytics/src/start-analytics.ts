import 'reflect-metadata';
import { createNestApp, createLogger, type CreateNestAppOptions, type PlatformConfig, type PlatformLogger, type RunningNestApp } from '@npo/platform';
import { lastEndedDay, ReleaseSchedule } from '@npo/analytics-releases';
import { registerAnalyticsMetrics } from './analytics-metrics.js';
import { AnalyticsModule } from './analytics.module.js';
import { AnalyticsRuntime, type AnalyticsRuntimeOptions } from './analytics-runtime.js';
import { analyticsErrorMappings } from './error-mappings.js';
import { serveOpenApiDocs } from './http/serve-openapi.js';

/**
 * NPO_DEMO=1: once the projector has caught up, make release 1 as of yesterday (the last day that has
 * ended) if there is none, so the
 * demo's gemeente and public readers see reports without an ocw step first.
 */
async function releaseDemo(runtime: AnalyticsRuntime, logger: PlatformLogger): Promise<void> {
  try {
    await runtime.caughtUp();
    if ((await runtime.releases.numbers()).length > 0) return;
    const release = await runtime.releaseService.create({ asOf: lastEndedDay(new Date()), createdBy: 'demo' });
    logger.info({ release: release.metadata.number, suppressed: release.metadata.suppressedCells }, 'demo release made');
  } catch (error) {
    logger.error({ err: error }, 'could not make the demo release');
  }
}

export interface StartAnalyticsOptions
  extends Pick<CreateNestAppOptions, 'port' | 'host' | 'logDestination' | 'logger' | 'shutdownHooks' | 'tokens'>,
    AnalyticsRuntimeOptions {}

export interface RunningAnalytics extends RunningNestApp {
  readonly runtime: AnalyticsRuntime;
}

/** Boots the analytics service: projector, reports, releases; listens on NPO_ANALYTICS_PORT. */
export async function startAnalytics(config: PlatformConfig, options: StartAnalyticsOptions = {}): Promise<RunningAnalytics> {
  const logger = options.logger ?? createLogger({ name: 'analytics', level: config.logLevel, destination: options.logDestination });
  const runtime = await AnalyticsRuntime.open(config, { ...options, logger });
  try {
    const running = await createNestApp(AnalyticsModule.forRoot(runtime), config, {
      ...options,
      logger,
      name: 'analytics',
      port: options.port ?? config.analyticsPort,
      errorMappings: analyticsErrorMappings,
      beforeListen: (app, context) => {
        context.readiness.register('analytics-store', async () => {
          await runtime.db.read((conn) => conn.run('SELECT 1'));
        });
        context.readiness.register('projector', () => runtime.projection.status.lastError === null);
        registerAnalyticsMetrics(context.metrics.registry, runtime);
        serveOpenApiDocs(app);
      },
    });
    if (config.demo) void releaseDemo(runtime, logger);
    const schedule =
      config.releaseSchedule === 'off'
        ? undefined
        : new ReleaseSchedule({
            cadence: config.releaseSchedule,
            service: runtime.releaseService,
            store: runtime.releases,
            ...(options.clock === undefined ? {} : { clock: options.clock }),
            ready: () => runtime.caughtUp(),
            onRelease: (release) => logger.info({ release: release.metadata.number, asOf: release.metadata.asOf }, 'scheduled release made'),
            onError: (error) => logger.error({ err: error }, 'could not make the scheduled release; trying again at the next check'),
          });
    schedule?.start(ReleaseSchedule.CHECK_EVERY_MS);
    return {
      ...running,
      runtime,
      close: async () => {
        schedule?.stop();
        await running.close();
        await runtime.close();
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
