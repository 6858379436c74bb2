import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenService } from '@npo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/http.js';
import { expectProblem, problemTypes } from './support/problems.js';
import { startTestApi, type TestApi } from './support/test-api.js';

/** Every kind of route Swagger serves: the document twice, the UI page, its script and a static asset. */
const docsRoutes = ['/openapi.json', '/openapi.yaml', '/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css'];
const SCRAPE_TOKEN = 'docs-e2e-scrape-token-0123456789';

let t: TestApi;
let foreignDir: string;
const authorization: Record<'valid' | 'expired' | 'forged' | 'garbage' | 'scrape' | 'basic', string> = {
  valid: '',
  expired: '',
  forged: '',
  garbage: 'Bearer not-a-jwt',
  scrape: `Bearer ${SCRAPE_TOKEN}`,
  basic: 'Basic dXNlcjpwYXNz',
};

beforeAll(async () => {
  t = await startTestApi({ env: { NPO_METRICS_TOKEN: SCRAPE_TOKEN } });
  foreignDir = await mkdtemp(join(tmpdir(), 'npo-docs-foreign-key-'));
  authorization.valid = `Bearer ${await t.token({ role: 'school', brin: '16SW' })}`;
  const anHourAgo = () => new Date(Date.now() - 3_600_000);
  authorization.expired = `Bearer ${await (await TokenService.fromDataDir(t.dataDir, anHourAgo)).issueToken({ role: 'ocw' }, { expiresIn: '10m' })}`;
  authorization.forged = `Bearer ${await (await TokenService.fromDataDir(foreignDir)).issueToken({ role: 'admin' })}`;
});
afterAll(async () => {
  await t?.close();
  await rm(foreignDir, { recursive: true, force: true });
});

describe('the documentation routes are public like /health/*', () => {
  it.each(docsRoutes)('%s is served without a token, with a valid one, and beside credentials of another scheme', async (path) => {
    const sent: Record<string, string>[] = [{}, { authorization: authorization.valid }, { authorization: authorization.basic }, { authorization: authorization.scrape }];
    for (const headers of sent) {
      const answer = await call(t.url, 'GET', path, { headers });
      expect(answer.status, `${path} ${JSON.stringify(headers)}: ${answer.text.slice(0, 200)}`).toBe(200);
    }
  });

  it.each(docsRoutes)('%s refuses an expired, forged or malformed Bearer token with a 401 problem', async (path) => {
    for (const kind of ['expired', 'forged', 'garbage'] as const) {
      for (const method of ['GET', 'HEAD']) {
        const answer = await call(t.url, method, path, { headers: { authorization: authorization[kind] } });
        expect(answer.status, `${method} ${path} with a ${kind} token`).toBe(401);
        expect(answer.headers.get('www-authenticate'), `${method} ${path} with a ${kind} token`).toBe('Bearer realm="npo"');
        if (method === 'GET') {
          const problem = expectProblem(answer, 401, problemTypes.unauthorized);
          expect(problem.instance).toBe(path);
          if (kind === 'expired') expect(problem.code).toBe('TOKEN_EXPIRED');
        }
      }
    }
  });

  it('answers every Authorization header exactly as /health/live does', async () => {
    for (const header of [...Object.values(authorization), 'Bearer', 'bearer  ', 'Bearer a b']) {
      const health = await call(t.url, 'GET', '/health/live', { headers: { authorization: header } });
      const docs = await call(t.url, 'GET', '/openapi.json', { headers: { authorization: header } });
      expect(docs.status, JSON.stringify(header)).toBe(health.status);
      if (health.status !== 200) expect(docs.body.code, JSON.stringify(header)).toBe(health.body.code);
    }
  });
});
