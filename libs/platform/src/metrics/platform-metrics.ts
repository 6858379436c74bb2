import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The route label for requests no route matched: keeps the label set bounded whatever URLs are probed. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * One registry per app instance (not prom-client's global one), so several apps in one process —
 * tests, mostly — do not collide. Apps add their own metrics to `registry`.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly httpRequestDuration: Histogram<'route' | 'method' | 'status_code'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration in seconds, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  observeRequest(route: string | undefined, method: string, statusCode: number, seconds: number): void {
    this.httpRequestDuration.observe({ route: route ?? UNMATCHED_ROUTE, method, status_code: String(statusCode) }, seconds);
  }
}
