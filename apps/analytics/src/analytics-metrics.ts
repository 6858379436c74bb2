import { Gauge, type Registry } from 'prom-client';
import type { AnalyticsRuntime } from './analytics-runtime.js';

/** Projection and release gauges, read from the runtime when Prometheus scrapes. */
export function registerAnalyticsMetrics(registry: Registry, runtime: AnalyticsRuntime): void {
  new Gauge({
    name: 'npo_analytics_projected_events',
    help: 'Events the live projector applied since the process started (including quarantined ones).',
    registers: [registry],
    collect() {
      const s = runtime.projection.status;
      this.set(s.applied + s.quarantined);
    },
  });
  new Gauge({
    name: 'npo_analytics_quarantined_events',
    help: 'Events the live projector quarantined since the process started.',
    registers: [registry],
    collect() {
      this.set(runtime.projection.status.quarantined);
    },
  });
  new Gauge({
    name: 'npo_analytics_projection_lag_events',
    help: 'Feed positions between the projector checkpoint and the head of the feed.',
    registers: [registry],
    async collect() {
      this.set(await runtime.lag());
    },
  });
  new Gauge({
    name: 'npo_analytics_generation',
    help: 'Generation number of the live analytics DuckDB file (a rebuild increments it).',
    registers: [registry],
    collect() {
      this.set(runtime.db.generation);
    },
  });
  new Gauge({
    name: 'npo_analytics_projector_restarts',
    help: 'Times the projector restarted after a failed batch.',
    registers: [registry],
    collect() {
      this.set(runtime.projection.status.restarts);
    },
  });
  new Gauge({
    name: 'npo_analytics_releases',
    help: 'Number of releases published.',
    registers: [registry],
    async collect() {
      this.set((await runtime.releases.numbers()).length);
    },
  });
}
