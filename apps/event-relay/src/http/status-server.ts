import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsVerdict } from './metrics-access.js';

export interface StatusSource {
  /** Prometheus text exposition. */
  metrics(): Promise<string>;
  /** Checks by name; all true means ready. */
  readiness(): Promise<Readonly<Record<string, boolean>>>;
  /** Whether the Authorization header (if any) may read /metrics. */
  metricsAccess(authorization: string | undefined): Promise<MetricsVerdict>;
}

export interface StatusServer {
  readonly url: string;
  close(): Promise<void>;
}

const READY_CHECK_TIMEOUT_MS = 2_000;

function send(response: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store', ...headers });
  response.end(body);
}

// The same problem shapes the Nest services answer with (libs/platform), without Nest.
function refuse(response: ServerResponse, verdict: Exclude<MetricsVerdict, 'allowed'>): void {
  const problem =
    verdict === 'unauthorized'
      ? { type: 'urn:npo:problem:unauthorized', title: 'Authentication required', status: 401, detail: '/metrics needs an admin token or the scrape token (NPO_METRICS_TOKEN).' }
      : { type: 'urn:npo:problem:forbidden', title: 'Forbidden', status: 403, detail: '/metrics is for role admin.', code: 'ROLE_NOT_ALLOWED' };
  send(response, problem.status, 'application/problem+json', JSON.stringify({ ...problem, instance: '/metrics' }), verdict === 'unauthorized' ? { 'www-authenticate': 'Bearer realm="npo"' } : {});
}

const PATHS = ['/health/live', '/health/ready', '/metrics'];

function problem(response: ServerResponse, status: 404 | 405 | 500, instance: string, detail: string, headers: Record<string, string> = {}): void {
  const kinds = { 404: ['not-found', 'Not Found'], 405: ['method-not-allowed', 'Method Not Allowed'], 500: ['internal-error', 'Internal Server Error'] } as const;
  const [kind, title] = kinds[status];
  send(response, status, 'application/problem+json', JSON.stringify({ type: `urn:npo:problem:${kind}`, title, status, detail, instance }), headers);
}

async function answer(request: IncomingMessage, response: ServerResponse, source: StatusSource): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    if (!PATHS.includes(path)) return problem(response, 404, path, `The relay serves only ${PATHS.join(', ')}.`);
    return problem(response, 405, path, `The method ${request.method ?? ''} is not allowed on ${path}.`, { allow: 'GET, HEAD' });
  }
  switch (path) {
    case '/health/live':
      return send(response, 200, 'application/json', JSON.stringify({ status: 'up' }));
    case '/health/ready': {
      let checks: Readonly<Record<string, boolean>>;
      try {
        let timer: NodeJS.Timeout | undefined;
        checks = await Promise.race([
          source.readiness(),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('readiness timed out')), READY_CHECK_TIMEOUT_MS))),
        ]).finally(() => clearTimeout(timer));
      } catch {
        checks = { readiness: false };
      }
      const up = Object.values(checks).every(Boolean);
      const body = { status: up ? 'up' : 'down', checks: Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v ? 'up' : 'down'])) };
      return send(response, up ? 200 : 503, 'application/json', JSON.stringify(body));
    }
    case '/metrics': {
      const verdict = await source.metricsAccess(request.headers.authorization);
      if (verdict !== 'allowed') return refuse(response, verdict);
      return send(response, 200, 'text/plain; version=0.0.4; charset=utf-8', await source.metrics());
    }
    default:
      return problem(response, 404, path, `The relay serves only ${PATHS.join(', ')}.`);
  }
}

/**
 * The relay serves no API, only health and metrics: a bare node:http server is all it needs. Health is
 * public for probes; /metrics is for admin or the scrape token, as on the Nest services.
 */
export async function startStatusServer(source: StatusSource, host: string, port: number): Promise<StatusServer> {
  const server: Server = createServer((request, response) => {
    answer(request, response, source).catch((error: unknown) => {
      if (!response.headersSent) problem(response, 500, (request.url ?? '/').split('?')[0] ?? '/', error instanceof Error ? error.message : String(error));
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
