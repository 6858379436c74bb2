import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Body, Controller, Get, Inject, Injectable, Module, type OnModuleInit, Param, Post } from '@nestjs/common';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Principal } from '../auth/principal.js';
import { loadOrCreateSigningKey, signingKeyDir } from '../auth/signing-key.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenRequest, TokenService } from '../auth/token-service.js';
import { loadConfig } from '../config/load-config.js';
import { mapError, mapErrorCode } from '../errors/error-mappings.js';
import { NotFoundError } from '../errors/http-mapped-error.js';
import { problems } from '../errors/problem.js';
import { ReadinessChecks } from '../health/readiness.js';
import { OwnBrin, OwnGemeente, Public, Roles } from './auth.decorators.js';
import { createNestApp, type RunningNestApp } from './create-nest-app.js';
import { CorrelationId, CurrentPrincipal } from './request-context.js';
import { ZodBody } from './zod-validation.pipe.js';

// Stand-ins for errors of libraries the platform must not know (the domain, the event store).
class DomainRuleViolation extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}
class WrongExpectedVersion extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`expected version ${expected}, stream is at ${actual}`);
  }
}

const thingSchema = z.strictObject({ name: z.string().min(1), count: z.number().int().positive() });

@Controller()
class DummyController {
  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Get('me')
  me(@CurrentPrincipal() principal: Principal, @CorrelationId() correlationId: string) {
    return { principal, correlationId };
  }

  @Roles('school', 'ocw')
  @OwnBrin()
  @Post('schools/:brin/things')
  createThing(@Param('brin') brin: string, @Body(new ZodBody(thingSchema)) body: z.infer<typeof thingSchema>) {
    return { brin, ...body };
  }

  @Roles('gemeente', 'ocw')
  @OwnGemeente()
  @Get('gemeenten/:code/report')
  report(@Param('code') code: string) {
    return { code };
  }

  @Post('rules')
  rule() {
    throw new DomainRuleViolation('mr-needs-scan', 'MR consent needs a completed scan for 2021-2022.');
  }

  @Post('conflicts')
  conflict() {
    throw new WrongExpectedVersion(3, 4);
  }

  @Get('schools/:brin')
  school(@Param('brin') brin: string) {
    throw new NotFoundError(`No school with BRIN ${brin} is registered.`);
  }

  @Get('boom')
  boom() {
    throw new Error('secret internals at /srv/npo/store.sqlite');
  }
}

@Injectable()
class DummyStore implements OnModuleInit {
  open = true;
  constructor(@Inject(ReadinessChecks) private readonly readiness: ReadinessChecks) {}
  onModuleInit() {
    this.readiness.register('dummy-store', () => this.open);
  }
}

@Module({ controllers: [DummyController], providers: [DummyStore] })
class DummyModule {}

const BODY_LIMIT = 1024;
const SCRAPE_TOKEN = 'scrape-0123456789abcdef0123456789abcdef';
let dataDir: string;
let running: RunningNestApp;
let tokens: TokenService;
const logLines: Record<string, unknown>[] = [];

const problemContentType = /^application\/problem\+json/;

async function call(method: string, path: string, init: { token?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${running.url}${path}`, { method, headers, body: init.body });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const json = contentType.includes('json') && text !== '' ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  return { status: response.status, headers: response.headers, contentType, text, json };
}

const token = (request: TokenRequest) => tokens.issueToken(request);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'npo-platform-http-'));
  const config = loadConfig({ NPO_DATA_DIR: dataDir, NPO_BODY_LIMIT: String(BODY_LIMIT), NPO_LOG_LEVEL: 'debug', NPO_METRICS_TOKEN: SCRAPE_TOKEN });
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  running = await createNestApp(DummyModule, config, {
    name: 'dummy-api',
    port: 0,
    logDestination,
    shutdownHooks: false,
    errorMappings: [
      mapError(DomainRuleViolation, (e) => problems.ruleViolation(e.rule, e.message)),
      mapErrorCode('WRONG_EXPECTED_VERSION', (e) => {
        const { expected, actual } = e as unknown as WrongExpectedVersion;
        return problems.conflict('The school changed meanwhile; reload and retry.', { expectedVersion: expected, actualVersion: actual });
      }),
    ],
  });
  tokens = running.context.tokens;
});

afterAll(async () => {
  await running?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('createNestApp', () => {
  it('listens on an ephemeral loopback port and created the signing key in the data dir', async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(running.url).port).not.toBe('0');
    const key = await loadOrCreateSigningKey(signingKeyDir(dataDir));
    expect(key.created).toBe(false);
    const fromFile = new TokenService(key);
    expect(await fromFile.verifyToken(await token({ role: 'admin' }))).toEqual({ role: 'admin', sub: 'admin' });
  });
});

describe('public routes', () => {
  it.each(['/open', '/health/live', '/health/ready'])('%s needs no token', async (path) => {
    expect((await call('GET', path)).status).toBe(200);
  });

  it('a public route still refuses a token that is sent and invalid', async () => {
    const key = await loadOrCreateSigningKey(signingKeyDir(dataDir));
    const expired = await new TokenService(key, () => new Date(Date.now() - 2 * 3600_000)).issueToken({ role: 'admin' }, { expiresIn: '1h' });
    for (const authorization of ['Bearer abc.def.ghi', 'Bearer', `Bearer ${expired}`]) {
      const r = await call('GET', '/open', { headers: { authorization } });
      expect(r.status, authorization).toBe(401);
      expect(r.contentType).toMatch(problemContentType);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(r.json).toMatchObject({ type: 'urn:npo:problem:unauthorized', instance: '/open' });
    }
  });

  it('a public route takes a valid token, the scrape token, or an empty header', async () => {
    expect((await call('GET', '/open', { token: await token({ role: 'school', brin: '16SW' }) })).status).toBe(200);
    expect((await call('GET', '/health/live', { token: SCRAPE_TOKEN })).status).toBe(200);
    expect((await call('GET', '/open', { headers: { authorization: '' } })).status).toBe(200);
    // Another scheme is not a token of ours (a proxy forwarding Basic credentials to a health probe).
    expect((await call('GET', '/health/ready', { headers: { authorization: 'Basic dXNlcjpwdw==' } })).status).toBe(200);
  });

  it('/health/ready reports registered checks and turns 503 when one is down', async () => {
    const up = await call('GET', '/health/ready');
    expect(up.json).toEqual({ status: 'ok', checks: { 'dummy-store': 'up' } });
    const store = running.app.get(DummyStore);
    store.open = false;
    try {
      const down = await call('GET', '/health/ready');
      expect(down.status).toBe(503);
      expect(down.json).toEqual({ status: 'unavailable', checks: { 'dummy-store': 'down' } });
      expect((await call('GET', '/health/live')).status).toBe(200);
    } finally {
      store.open = true;
    }
  });
});

describe('authentication (401)', () => {
  it('a route without @Public() refuses a request without a token, as a problem', async () => {
    const r = await call('GET', '/me');
    expect(r.status).toBe(401);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:unauthorized', title: 'Authentication required', status: 401, instance: '/me' });
  });

  it.each([
    ['another scheme', { authorization: 'Basic dXNlcjpwdw==' }],
    ['a garbage token', { authorization: 'Bearer abc.def.ghi' }],
  ])('refuses %s', async (_what, headers) => {
    const r = await call('GET', '/me', { headers });
    expect(r.status).toBe(401);
    expect(r.json?.['type']).toBe('urn:npo:problem:unauthorized');
  });

  it('refuses an expired token and says so', async () => {
    const key = await loadOrCreateSigningKey(signingKeyDir(dataDir));
    const past = new TokenService(key, () => new Date(Date.now() - 2 * 3600_000));
    const r = await call('GET', '/me', { token: await past.issueToken({ role: 'admin' }, { expiresIn: '1h' }) });
    expect(r.status).toBe(401);
    expect(String(r.json?.['detail'])).toMatch(/expired/);
  });

  it.each([
    ['issued 24 h in the future', (now: number) => ({ iat: now + 86_400, exp: now + 2 * 86_400 })],
    ['valid for 100 years', (now: number) => ({ iat: now, exp: now + 100 * 365 * 86_400 })],
  ])('refuses a token of our own key %s', async (_what, times) => {
    const key = await loadOrCreateSigningKey(signingKeyDir(dataDir));
    const { iat, exp } = times(Math.floor(Date.now() / 1000));
    const forged = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setSubject('admin')
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(key.privateKey);
    const r = await call('GET', '/me', { token: forged });
    expect(r.status).toBe(401);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:unauthorized', code: 'TOKEN_INVALID' });
  });

  it('refuses a token signed with another key', async () => {
    const stranger = new TokenService((await import('node:crypto')).generateKeyPairSync('ed25519'));
    const r = await call('GET', '/me', { token: await stranger.issueToken({ role: 'admin' }) });
    expect(r.status).toBe(401);
  });

  it('gives the handler the verified principal and the correlation id', async () => {
    const r = await call('GET', '/me', { token: await token({ role: 'researcher', sub: 'r.devries' }), headers: { 'x-correlation-id': 'req-42' } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ principal: { role: 'researcher', sub: 'r.devries' }, correlationId: 'req-42' });
  });
});

describe('authorization (403)', () => {
  const thing = JSON.stringify({ name: 'bijles', count: 3 });

  it('lets a school act on its own BRIN', async () => {
    const r = await call('POST', '/schools/16SW/things', { token: await token({ role: 'school', brin: '16SW' }), body: thing });
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ brin: '16SW', name: 'bijles', count: 3 });
  });

  it('refuses a school acting on another BRIN', async () => {
    const r = await call('POST', '/schools/17AB/things', { token: await token({ role: 'school', brin: '16SW' }), body: thing });
    expect(r.status).toBe(403);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:forbidden', status: 403 });
  });

  it('lets another allowed role act on any BRIN', async () => {
    expect((await call('POST', '/schools/17AB/things', { token: await token({ role: 'ocw' }), body: thing })).status).toBe(201);
  });

  it.each([{ role: 'researcher', sub: 'r.devries' }, { role: 'gemeente', gemeente: 'GM0363' }, { role: 'admin' }] as const)(
    'refuses role %j on a route for school and ocw',
    async (request) => {
      const r = await call('POST', '/schools/16SW/things', { token: await token(request), body: thing });
      expect(r.status).toBe(403);
      expect(r.json?.['type']).toBe('urn:npo:problem:forbidden');
    },
  );

  it('lets a gemeente read its own code only', async () => {
    const own = await call('GET', '/gemeenten/GM0363/report', { token: await token({ role: 'gemeente', gemeente: 'GM0363' }) });
    expect(own.status).toBe(200);
    expect(own.json).toEqual({ code: 'GM0363' });
    const other = await call('GET', '/gemeenten/GM0599/report', { token: await token({ role: 'gemeente', gemeente: 'GM0363' }) });
    expect(other.status).toBe(403);
    expect((await call('GET', '/gemeenten/GM0599/report', { token: await token({ role: 'ocw' }) })).status).toBe(200);
    expect((await call('GET', '/gemeenten/GM0363/report', { token: await token({ role: 'school', brin: '16SW' }) })).status).toBe(403);
  });
});

describe('request problems', () => {
  let schoolToken: string;
  beforeAll(async () => {
    schoolToken = await token({ role: 'school', brin: '16SW' });
  });

  it('400 for a body that is not JSON', async () => {
    const r = await call('POST', '/schools/16SW/things', { token: schoolToken, body: '{"name": "bijles",' });
    expect(r.status).toBe(400);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:malformed-request', status: 400, title: 'Malformed request' });
  });

  it('400 for an empty body labelled JSON', async () => {
    const r = await call('POST', '/schools/16SW/things', { token: schoolToken, body: '' });
    expect(r.status).toBe(400);
    expect(r.json?.['type']).toBe('urn:npo:problem:malformed-request');
  });

  it('400 listing every schema issue with a JSON pointer', async () => {
    const r = await call('POST', '/schools/16SW/things', { token: schoolToken, body: JSON.stringify({ name: '', count: 1.5, extra: true }) });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:validation-failed', status: 400 });
    const errors = r.json?.['errors'] as { in: string; pointer: string; code: string; message: string }[];
    expect(errors.map((e) => e.pointer).sort()).toEqual(['', '/count', '/name']);
    expect(errors.every((e) => e.in === 'body' && e.message.length > 0)).toBe(true);
  });

  it('400 for a missing body', async () => {
    const r = await call('POST', '/schools/16SW/things', { token: schoolToken });
    expect(r.status).toBe(400);
    expect(r.json?.['type']).toBe('urn:npo:problem:validation-failed');
  });

  it('404 for an unknown route', async () => {
    const r = await call('GET', '/no/such/route', { token: schoolToken });
    expect(r.status).toBe(404);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:not-found', status: 404, instance: '/no/such/route' });
  });

  it('404 from a typed NotFoundError, with its detail', async () => {
    const r = await call('GET', '/schools/99ZZ', { token: schoolToken });
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:not-found', detail: 'No school with BRIN 99ZZ is registered.' });
  });

  it('409 from an app error mapped by its code', async () => {
    const r = await call('POST', '/conflicts', { token: schoolToken });
    expect(r.status).toBe(409);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:conflict', status: 409, expectedVersion: 3, actualVersion: 4 });
  });

  it('413 for a body over the configured limit', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT * 2), count: 1 });
    const r = await call('POST', '/schools/16SW/things', { token: schoolToken, body: big });
    expect(r.status).toBe(413);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:payload-too-large', status: 413 });
    expect(String(r.json?.['detail'])).toContain(String(BODY_LIMIT));
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])('415 for Content-Type %s', async (contentType) => {
    const r = await call('POST', '/schools/16SW/things', { token: schoolToken, body: 'name=x', headers: { 'content-type': contentType } });
    expect(r.status).toBe(415);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:unsupported-media-type', status: 415 });
  });

  it('422 from a domain error mapped by class, naming the rule', async () => {
    const r = await call('POST', '/rules', { token: schoolToken });
    expect(r.status).toBe(422);
    expect(r.json).toMatchObject({
      type: 'urn:npo:problem:rule-violation',
      title: 'Domain rule violated',
      status: 422,
      rule: 'mr-needs-scan',
      detail: 'MR consent needs a completed scan for 2021-2022.',
    });
  });

  it('500 without leaking the error, which goes to the log instead', async () => {
    const r = await call('GET', '/boom', { token: schoolToken, headers: { 'x-correlation-id': 'boom-1' } });
    expect(r.status).toBe(500);
    expect(r.contentType).toMatch(problemContentType);
    expect(r.json).toMatchObject({ type: 'urn:npo:problem:internal-error', status: 500, correlationId: 'boom-1' });
    expect(r.text).not.toContain('secret internals');
    expect(r.text).not.toContain('store.sqlite');
    const logged = logLines.find((l) => l['correlationId'] === 'boom-1' && l['level'] === 'error');
    expect(JSON.stringify(logged)).toContain('secret internals');
  });
});

describe('correlation ids', () => {
  it('echoes a caller-supplied id in the response header and the log lines', async () => {
    const r = await call('GET', '/open', { headers: { 'x-correlation-id': 'trace-abc.123' } });
    expect(r.headers.get('x-correlation-id')).toBe('trace-abc.123');
    const lines = logLines.filter((l) => l['correlationId'] === 'trace-abc.123');
    const access = lines.find((l) => l['msg'] === 'request completed');
    expect(access).toMatchObject({ name: 'dummy-api', level: 'info', method: 'GET', route: '/open', statusCode: 200 });
    expect(typeof access?.['time']).toBe('string');
  });

  it('generates one when absent, and replaces one that is unsafe to log', async () => {
    const generated = (await call('GET', '/open')).headers.get('x-correlation-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const replaced = (await call('GET', '/open', { headers: { 'x-correlation-id': 'a b"c' } })).headers.get('x-correlation-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the id on problem bodies too', async () => {
    const r = await call('GET', '/me', { headers: { 'x-correlation-id': 'p-77' } });
    expect(r.headers.get('x-correlation-id')).toBe('p-77');
    expect(r.json?.['correlationId']).toBe('p-77');
  });

  it('never logs the bearer token', async () => {
    const secret = await token({ role: 'admin' });
    await call('GET', '/me', { token: secret, headers: { 'x-correlation-id': 'tok-1' } });
    expect(JSON.stringify(logLines)).not.toContain(secret);
  });
});

describe('/metrics', () => {
  it('is for role admin or the scrape token (NPO_METRICS_TOKEN), nobody else', async () => {
    expect((await call('GET', '/metrics')).status).toBe(401);
    const asSchool = await call('GET', '/metrics', { token: await token({ role: 'school', brin: '16SW' }) });
    expect(asSchool.status).toBe(403);
    expect(asSchool.json).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    expect((await call('GET', '/metrics', { token: await token({ role: 'ocw' }) })).status).toBe(403);
    expect((await call('GET', '/metrics', { token: `${SCRAPE_TOKEN}x` })).status).toBe(401);
    expect((await call('GET', '/metrics', { token: SCRAPE_TOKEN })).status).toBe(200);
    expect((await call('GET', '/metrics', { token: await token({ role: 'admin' }) })).status).toBe(200);
    // The scrape token opens /metrics only, not routes that want a role.
    expect((await call('GET', '/me', { token: SCRAPE_TOKEN })).status).toBe(401);
  });

  it('exposes default process metrics and request durations by route pattern, method and status', async () => {
    await call('POST', '/schools/16SW/things', { token: await token({ role: 'school', brin: '16SW' }), body: JSON.stringify({ name: 'a', count: 1 }) });
    await call('GET', '/no/such/thing');
    const r = await call('GET', '/metrics', { token: SCRAPE_TOKEN });
    expect(r.contentType).toMatch(/^text\/plain/);
    expect(r.text).toMatch(/^process_cpu_user_seconds_total\{service="dummy-api"\} /m);
    expect(r.text).toMatch(/^http_request_duration_seconds_count\{[^}]*route="\/schools\/:brin\/things"[^}]*method="POST"[^}]*status_code="201"[^}]*\} [1-9]/m);
    expect(r.text).toMatch(/^http_request_duration_seconds_count\{[^}]*route="\(unmatched\)"[^}]*status_code="404"[^}]*\} [1-9]/m);
    expect(r.text).not.toContain('/no/such/thing');
  });
});

describe('lifecycle', () => {
  it('runs beforeListen before listening, and close() drains readiness and frees the port', async () => {
    const config = loadConfig({ NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'silent' });
    let hookSawContext = false;
    const second = await createNestApp(DummyModule, config, {
      port: 0,
      shutdownHooks: false,
      beforeListen: (app, context) => {
        hookSawContext = context.config === config;
        app.getHttpAdapter().getInstance().get('/raw', async () => ({ raw: true }));
      },
    });
    expect(hookSawContext).toBe(true);
    const raw = await fetch(`${second.url}/raw`);
    expect(await raw.json()).toEqual({ raw: true });
    expect(second.url).not.toBe(running.url);

    await second.close();
    expect((await second.context.readiness.run()).ready).toBe(false);
    await expect(fetch(`${second.url}/health/live`)).rejects.toThrow();
  });
});
