import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TokenService } from '@npo/platform';
import { freePort } from '../school-api-http/processes.js';

/** The built analytics service (`npm run build`), run as its own process the way it is deployed. */
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
export const builtAnalytics = join(repoRoot, 'apps/analytics/dist/main.js');

export interface AnalyticsServer {
  readonly url: string;
  readonly tokens: TokenService;
  /** GET with an optional bearer token; the body is read, so the time includes the whole answer. */
  get(path: string, token?: string): Promise<{ status: number; body: string }>;
  post(path: string, body: unknown, token: string): Promise<{ status: number; body: string }>;
  /** SIGTERM (the service closes its projector and files), SIGKILL after 15 s. */
  stop(): Promise<void>;
}


const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts the service on `dataDir` (events.sqlite, analytics/, releases/, the signing key) and resolves
 * once it is ready and its projector has applied everything in the store.
 */
export async function startAnalyticsServer(dataDir: string, readyWithinMs = 600_000): Promise<AnalyticsServer> {
  if (!existsSync(builtAnalytics)) throw new Error(`${builtAnalytics} is missing: build it first (npx nx run @npo/analytics:build)`);
  // The key first, so the service and this client sign and verify with the same one.
  const tokens = await TokenService.fromDataDir(dataDir);
  const port = await freePort();
  // Requests one at a time reuse one kept-alive connection; a second one lets a view be asked while a
  // release (a POST of minutes) holds the first.
  const agent = new Agent({ keepAlive: true, maxSockets: 2 });
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [builtAnalytics], {
    env: { ...process.env, NPO_DATA_DIR: dataDir, NPO_ANALYTICS_PORT: String(port), NPO_HOST: '127.0.0.1', NPO_LOG_LEVEL: 'warn', NPO_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // node:http rather than fetch: a national release or ad-hoc report can take minutes here, longer than
  // fetch's fixed 300 s wait for the response headers; a keep-alive agent reuses the connection.
  const request = (method: string, path: string, token?: string, body?: unknown) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = httpRequest(
        `${url}${path}`,
        {
          method,
          agent,
          headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const server: AnalyticsServer = {
    url,
    tokens,
    get: (path, token) => request('GET', path, token),
    post: (path, body, token) => request('POST', path, token, body),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      agent.destroy();
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(killer);
    },
  };
  try {
    const admin = await tokens.issueToken({ role: 'admin' });
    const deadline = Date.now() + readyWithinMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the analytics service exited (${child.signalCode ?? child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`the analytics service was not caught up within ${readyWithinMs / 1000} s:\n${output}`);
      const status = await server.get('/v1/analytics/status', admin).catch(() => undefined);
      if (status?.status === 200 && (JSON.parse(status.body) as { lag: number }).lag === 0) return server;
      await sleep(200);
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
}
