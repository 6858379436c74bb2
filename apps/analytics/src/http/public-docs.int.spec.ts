import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createNestApp, loadConfig, type RunningNestApp, TokenService } from '@npo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsRuntime } from '../analytics-runtime.js';
import { AnalyticsModule } from '../analytics.module.js';
import { serveOpenApiDocs } from './serve-openapi.js';

/** Every kind of route Swagger serves: the document twice, the UI page, its script and a static asset. */
const docsRoutes = ['/openapi.json', '/openapi.yaml', '/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css'];
const SCRAPE_TOKEN = 'docs-int-scrape-token-0123456789';

let app: RunningNestApp;
let dataDir: string;
let foreignDir: string;
const authorization: Record<'valid' | 'expired' | 'forged' | 'garbage' | 'scrape' | 'basic', string> = {
  valid: '',
  expired: '',
  forged: '',
  garbage: 'Bearer not-a-jwt',
  scrape: `Bearer ${SCRAPE_TOKEN}`,
  basic: 'Basic dXNlcjpwYXNz',
};

const call = async (method: string, path: string, authorizationHeader?: string) => {
  const response = await fetch(`${app.url}${path}`, { method, headers: authorizationHeader === undefined ? {} : { authorization: authorizationHeader } });
  const text = await response.text();
  const body = (response.headers.get('content-type') ?? '').includes('json') && text !== '' ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: response.status, headers: response.headers, text, body };
};

/*
 * The analytics app's module, platform and docs as startAnalytics wires them, booted on a free port: the
 * controllers only keep the runtime they are given, and the docs routes never reach it.
 */
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'analytics-public-docs-'));
  foreignDir = await mkdtemp(join(tmpdir(), 'analytics-docs-foreign-key-'));
  const tokens = await TokenService.fromDataDir(dataDir);
  app = await createNestApp(AnalyticsModule.forRoot({} as AnalyticsRuntime), loadConfig({ NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'silent', NPO_METRICS_TOKEN: SCRAPE_TOKEN }), {
    port: 0,
    shutdownHooks: false,
    logger: createLogger({ name: 'analytics', level: 'silent' }),
    tokens,
    beforeListen: (nest) => serveOpenApiDocs(nest),
  });
  authorization.valid = `Bearer ${await tokens.issueToken({ role: 'researcher', sub: 'docs-reader' })}`;
  const anHourAgo = () => new Date(Date.now() - 3_600_000);
  authorization.expired = `Bearer ${await (await TokenService.fromDataDir(dataDir, anHourAgo)).issueToken({ role: 'ocw' }, { expiresIn: '10m' })}`;
  authorization.forged = `Bearer ${await (await TokenService.fromDataDir(foreignDir)).issueToken({ role: 'admin' })}`;
}, 60_000);
afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
  await rm(foreignDir, { recursive: true, force: true });
});

describe('the analytics documentation routes are public like /health/*', () => {
  it.each(docsRoutes)('%s is served without a token, with a valid one, and beside credentials of another scheme', async (path) => {
    for (const header of [undefined, authorization.valid, authorization.basic, authorization.scrape]) {
      const answer = await call('GET', path, header);
      expect(answer.status, `${path} ${String(header)}: ${answer.text.slice(0, 200)}`).toBe(200);
    }
  });

  it.each(docsRoutes)('%s refuses an expired, forged or malformed Bearer token with a 401 problem', async (path) => {
    for (const kind of ['expired', 'forged', 'garbage'] as const) {
      for (const method of ['GET', 'HEAD']) {
        const answer = await call(method, path, authorization[kind]);
        expect(answer.status, `${method} ${path} with a ${kind} token`).toBe(401);
        expect(answer.headers.get('www-authenticate'), `${method} ${path} with a ${kind} token`).toBe('Bearer realm="npo"');
        if (method === 'GET') {
          expect(answer.headers.get('content-type'), path).toContain('application/problem+json');
          expect(answer.body).toMatchObject({ status: 401, type: 'urn:npo:problem:unauthorized', instance: path });
          if (kind === 'expired') expect(answer.body['code']).toBe('TOKEN_EXPIRED');
        }
      }
    }
  });

  it('answers every Authorization header exactly as /health/live does', async () => {
    for (const header of [...Object.values(authorization), 'Bearer', 'bearer  ', 'Bearer a b']) {
      const health = await call('GET', '/health/live', header);
      const docs = await call('GET', '/openapi.json', header);
      expect(docs.status, JSON.stringify(header)).toBe(health.status);
      if (health.status !== 200) expect(docs.body['code'], JSON.stringify(header)).toBe(health.body['code']);
    }
  });
});
