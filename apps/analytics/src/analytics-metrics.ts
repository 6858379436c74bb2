import { Counter, Gauge, type Registry } from 'prom-client';
import type { AnalyticsRuntime } from './analytics-runtime.js';

/** A counter that reads its total from the runtime when Prometheus scrapes (rate() needs the counter type). */
function countedTotal(registry: Registry, name: string, help: string, total: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(total());
    },
  });
}

/** Projection and release metrics, read from the runtime when Prometheus scrapes. */
export function registerAnalyticsMetrics(registry: Registry, runtime: AnalyticsRuntime): void {
  countedTotal(registry, 'npo_analytics_projected_events_total', 'Events the live projector applied since the process started (including quarantined ones).', () => {
    const s = runtime.projection.status;
    return s.applied + s.quarantined;
  });
  countedTotal(registry, 'npo_analytics_quarantined_events_total', 'Events the live projector quarantined since the process started.', () => runtime.projection.status.quarantined);
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
  countedTotal(registry, 'npo_analytics_projector_restarts_total', 'Times the projector restarted after a failed batch.', () => runtime.projection.status.restarts);
  new Gauge({
    name: 'npo_analytics_releases',
    help: 'Number of releases published.',
    registers: [registry],
    async collect() {
      this.set((await runtime.releases.numbers()).length);
    },
  });
}
