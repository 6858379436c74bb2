import { join } from 'node:path';
import { appendSteps, ev, generateHistory, school, tempDir } from '@npo/analytics-model/testing';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { loadConfig, TokenService } from '@npo/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAnalyticsCli } from './cli.js';
import { startAnalytics, type RunningAnalytics } from './start-analytics.js';

/*
 * The service as main.ts starts it: a SQLite event store file and DuckDB generations in a temp data
 * dir, real HTTP on an ephemeral loopback port, tokens signed with the data dir's key.
 */
describe('analytics service over HTTP', () => {
  const dir = tempDir('analytics-app');
  let store: EventStore;
  let app: RunningAnalytics;
  let tokens: TokenService;
  const token = async (request: Parameters<TokenService['issueToken']>[0]): Promise<string> => tokens.issueToken(request);
  const get = async (path: string, bearer?: string) =>
    fetch(`${app.url}${path}`, bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite'), pollIntervalMs: 20 });
    await appendSteps(store, generateHistory(90, 17));
    const config = loadConfig({ NPO_DATA_DIR: dir.path, NPO_LOG_LEVEL: 'silent' });
    tokens = await TokenService.fromDataDir(dir.path);
    app = await startAnalytics(config, { port: 0, shutdownHooks: false, store, watchIntervalMs: 50 });
    await app.runtime.caughtUp();
  }, 60_000);
  afterAll(async () => {
    await app.close();
    await store.close();
    dir.remove();
    // Closing waits for a release the demo path may still be computing (LP solves); slow on a loaded machine.
  }, 120_000);

  it('serves nothing but health before the first release, and only ocw/admin may release', async () => {
    expect((await get('/health/ready')).status).toBe(200);
    const none = await get('/v1/reports/national');
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');

    const post = (bearer?: string) =>
      fetch(`${app.url}/v1/releases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ asOf: '2022-07-31' }),
      });
    expect((await post()).status).toBe(401);
    const ocwPost = async (body: unknown) =>
      fetch(`${app.url}/v1/releases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await token({ role: 'ocw' })}` },
        body: JSON.stringify(body),
      });
    // A misspelt setting would be ignored and the release made with settings nobody asked for.
    const misspelt = await ocwPost({ asOf: '2022-07-31', parameters: { minFrequncy: 10 } });
    expect(misspelt.status).toBe(400);
    const looser = await ocwPost({ asOf: '2022-07-31', parameters: { minFrequency: 2 } });
    expect(looser.status).toBe(400);
    expect(((await looser.json()) as { detail: string }).detail).toMatch(/more protection .* not less: minFrequency 2 < 5/);
    expect((await post(await token({ role: 'gemeente', gemeente: 'GM0363' }))).status).toBe(403);
    const created = await post(await token({ role: 'ocw' }));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ number: 1, asOf: '2022-07-31', auditOk: true, createdBy: expect.stringMatching(/^ocw:/) });
    const list = (await (await get('/v1/releases')).json()) as { releases: { number: number }[] };
    expect(list.releases.map((r) => r.number)).toEqual([1]);
    // The rules and the verdict; why a cell is withheld, and how narrowly the audit proved it, stays private.
    type One = { suppressedCells: number; disclosure: { audit: unknown; suppressed?: unknown[] } };
    const one = (await (await get('/v1/releases/1')).json()) as One;
    expect(one.disclosure.audit).toEqual({ ok: true });
    expect(one.suppressedCells).toBeGreaterThan(0);
    expect(Object.keys(one.disclosure).sort()).toEqual(['audit', 'parameters']);
    // Which cells, across every gemeente, only for ocw/admin (a gemeente reads its own report only).
    const asGemeente = (await (await get('/v1/releases/1', await token({ role: 'gemeente', gemeente: 'GM0363' }))).json()) as One;
    expect(asGemeente.disclosure.suppressed).toBeUndefined();
    const asOcw = (await (await get('/v1/releases/1', await token({ role: 'ocw' }))).json()) as One;
    expect(asOcw.disclosure.suppressed).toHaveLength(one.suppressedCells);
    expect((await get('/v1/releases/1', 'not-a-token')).status).toBe(401);
  }, 120_000);

  it('publishes the released national and evidence reports to everyone, as JSON and CSV', async () => {
    const res = await get('/v1/reports/national?schoolYear=2021-2022');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { release: { number: number }; schoolYear: string; tables: { id: string }[] };
    expect(doc.release.number).toBe(1);
    expect(doc.tables.map((t) => t.id)).toContain('naar-provincie');
    const csv = await get('/v1/reports/national.csv');
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toContain('release-1');
    expect((await csv.text()).split('\r\n')[0]).toContain('rapport;schooljaar;peildatum');
    expect((await get('/v1/reports/evidence')).status).toBe(200);
    expect((await get('/v1/reports/evidence.csv')).status).toBe(200);
    // The evidence view shows every school year: a schoolYear would change nothing, so it is refused.
    expect((await get('/v1/reports/evidence?schoolYear=2021-2022')).status).toBe(400);
    expect((await get('/v1/reports/evidence?release=1')).status).toBe(200);
    expect((await get('/v1/reports/national?schoolYear=2030-2031')).status).toBe(404);
    expect((await get('/v1/reports/national?schoolYear=2021')).status).toBe(400);
    // Numbers and parameters as written, nothing guessed: release 1 is `1`, an unknown parameter is refused.
    for (const path of ['/v1/releases/0x1', '/v1/releases/1e0', '/v1/releases/1.0', '/v1/releases/%201', '/v1/reports/national?release=0x1', '/v1/reports/national?format=csv']) {
      const refused = await get(path);
      expect(refused.status, path).toBe(400);
      expect(refused.headers.get('content-type'), path).toContain('application/problem+json');
    }
    expect((await get('/v1/reports/national?release=1')).status).toBe(200);
    // A release has no CSV form (its reports have): no such resource, not a misspelt number.
    for (const path of ['/v1/releases/1.csv', '/v1/releases/1.CSV', '/v1/releases/99.json']) {
      const missing = await get(path);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get('content-type'), path).toContain('application/problem+json');
    }
  });

  it('serves its OpenAPI 3.1 document and the interactive docs without a token', async () => {
    const answer = await get('/openapi.json');
    expect(answer.status).toBe(200);
    const doc = (await answer.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/reports/national', '/v1/reports/national.csv', '/v1/reports/gemeenten/{code}', '/v1/reports/gemeenten/{code}.csv', '/v1/reports/evidence', '/v1/reports/evidence.csv']),
    );
    const docs = await get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('gives a gemeente its own report only; ocw any', async () => {
    const own = await token({ role: 'gemeente', gemeente: 'GM0363' });
    expect((await get('/v1/reports/gemeenten/GM0363')).status).toBe(401);
    const mine = await get('/v1/reports/gemeenten/GM0363', own);
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { gemeente: { name: string } }).gemeente.name).toBe('Amsterdam');
    expect((await get('/v1/reports/gemeenten/GM0599', own)).status).toBe(403);
    expect((await get('/v1/reports/gemeenten/GM0599.csv', own)).status).toBe(403);
    const csv = await get('/v1/reports/gemeenten/GM0363.csv', own);
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('gemeente-scholen');
    expect((await get('/v1/reports/gemeenten/GM0599', await token({ role: 'ocw' }))).status).toBe(200);
    expect((await get('/v1/reports/gemeenten/GM9999', await token({ role: 'ocw' }))).status).toBe(404);
  });

  it('computes ad-hoc as-of reports for ocw and admin only', async () => {
    expect((await get('/v1/reports/national?asOf=2021-06-30')).status).toBe(401);
    expect((await get('/v1/reports/national?asOf=2021-06-30', await token({ role: 'gemeente', gemeente: 'GM0363' }))).status).toBe(403);
    const adHoc = await get('/v1/reports/national?asOf=2021-06-30', await token({ role: 'admin' }));
    expect(adHoc.status, adHoc.status === 200 ? '' : await adHoc.clone().text()).toBe(200);
    const doc = (await adHoc.json()) as { release: null; asOf: string };
    expect(doc).toMatchObject({ release: null, asOf: '2021-06-30' });
    expect((await get('/v1/reports/national?asOf=2021-06-30&release=1', await token({ role: 'admin' }))).status).toBe(400);
    // Basic credentials (a proxy's) are no token of ours: anonymous, as the guard treats them on public routes.
    const basic = { headers: { authorization: 'Basic dXNlcjpwYXNz' } };
    const asOfWithBasic = await fetch(`${app.url}/v1/reports/national?asOf=2021-06-30`, basic);
    expect(asOfWithBasic.status).toBe(401);
    expect(((await asOfWithBasic.json()) as { code?: string }).code).toBe('AD_HOC_NEEDS_TOKEN');
    const releaseWithBasic = await fetch(`${app.url}/v1/releases/1`, basic);
    expect(releaseWithBasic.status).toBe(200);
    expect(JSON.stringify(await releaseWithBasic.json())).not.toContain('"suppressed"');
    expect(JSON.stringify(await (await get('/v1/releases/1', await token({ role: 'ocw' }))).json())).toContain('"suppressed"');
  }, 120_000);

  it('answers 503 with Retry-After when more ad-hoc reports are asked for at once than it computes or queues', async () => {
    const admin = await token({ role: 'admin' });
    // Eight different days at once (the same day would share one computation): 3 are taken, the others refused
    // unless one of the 3 ended before they arrived (the exact bound is release-service.int.spec's, without HTTP).
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => get(`/v1/reports/gemeenten/GM0363?asOf=2021-07-0${i + 1}`, admin)));
    const statuses = answers.map((a) => a.status);
    const computed = statuses.filter((s) => s === 200).length;
    expect(computed).toBeGreaterThanOrEqual(3);
    expect(statuses.filter((s) => s === 503)).toHaveLength(8 - computed);
    expect(computed).toBeLessThan(8);
    const busy = answers.find((a) => a.status === 503);
    expect(busy?.headers.get('retry-after')).toBe('30');
    expect(busy?.headers.get('content-type')).toContain('application/problem+json');
    expect(await busy?.json()).toMatchObject({ status: 503, code: 'ad-hoc-queue-full', pending: 3 });
    // Once they are done, the next one is computed.
    expect((await get('/v1/reports/gemeenten/GM0363?asOf=2021-07-09', admin)).status).toBe(200);
  }, 120_000);

  it('keeps answering while a rebuild swaps in a new generation, then projects new events into it', async () => {
    const io = { out: () => undefined, err: () => undefined };
    const rebuilding = runAnalyticsCli(['rebuild', '--no-progress'], { NPO_DATA_DIR: dir.path }, io);
    const during = await get('/v1/reports/national');
    expect(during.status).toBe(200);
    expect(await rebuilding).toBe(0);
    await expect.poll(() => app.runtime.db.generation, { timeout: 10_000 }).toBe(2);
    await appendSteps(store, [ev.registered(school('98ZZ', 'GM0088'), '2022-09-01')]);
    await app.runtime.caughtUp();
    const status = await get('/v1/analytics/status', await token({ role: 'admin' }));
    expect(await status.json()).toMatchObject({ generation: 2, lag: 0 });
    expect((await get('/metrics')).status).toBe(401);
    const metrics = await (await get('/metrics', await token({ role: 'admin' }))).text();
    expect(metrics).toMatch(/npo_analytics_generation\{[^}]*\} 2/);
    // Totals that only grow are counters (rate() refuses gauges), named _total.
    for (const total of ['projected_events', 'quarantined_events', 'projector_restarts']) expect(metrics).toContain(`# TYPE npo_analytics_${total}_total counter`);
    expect((await get('/v1/reports/national')).status).toBe(200);
  }, 120_000);

  it('makes a release once per Idempotency-Key, and refuses one that goes back in time or asks absurd settings', async () => {
    const ocw = await token({ role: 'ocw' });
    const post = (body: unknown, key?: string) =>
      fetch(`${app.url}/v1/releases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ocw}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
        body: JSON.stringify(body),
      });
    const before = (await app.runtime.releases.list()).length;
    const backdated = await post({ asOf: '2022-07-30' });
    expect(backdated.status).toBe(422);
    expect(backdated.headers.get('content-type')).toContain('application/problem+json');
    expect(await backdated.json()).toMatchObject({ code: 'release-before-latest', latest: { number: 1, asOf: '2022-07-31' } });
    expect((await post({ asOf: '2022-08-31', parameters: { protection: { minWidth: 1e15 } } })).status).toBe(400);
    expect((await post({ asOf: '2022-08-31' }, 'bad key with spaces')).status).toBe(400);

    const first = await post({ asOf: '2022-08-31', parameters: {} }, 'ocw-2022-08');
    expect(first.status, await first.clone().text()).toBe(201);
    const made = (await first.json()) as { number: number };
    // The same request with its fields in another order is the same request.
    const retry = await post({ parameters: {}, asOf: '2022-08-31' }, 'ocw-2022-08');
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual(made);
    const reused = await post({ asOf: '2022-08-31' }, 'ocw-2022-08');
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'idempotency-key-reused', release: made.number });
    expect((await app.runtime.releases.list()).length).toBe(before + 1);
  }, 120_000);
});

describe('analytics service in demo mode', () => {
  it('makes release 1 by itself once the projector has caught up', async () => {
    const dir = tempDir('analytics-demo');
    const store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(store, generateHistory(30, 5));
    const app = await startAnalytics(loadConfig({ NPO_DATA_DIR: dir.path, NPO_LOG_LEVEL: 'silent', NPO_DEMO: '1' }), { port: 0, shutdownHooks: false, store });
    try {
      await expect.poll(async () => (await app.runtime.releases.list()).map((r) => r.createdBy), { timeout: 90_000, interval: 500 }).toEqual(['demo']);
      expect((await fetch(`${app.url}/v1/reports/national`)).status).toBe(200);
    } finally {
      await app.close();
      await store.close();
      dir.remove();
    }
  }, 120_000);
});

describe('analytics service with NPO_AD_HOC_MAX_PENDING', () => {
  it('takes as many ad-hoc reports at once as the variable says, and refuses the rest with 503', async () => {
    const dir = tempDir('analytics-ad-hoc-limit');
    const store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(store, generateHistory(30, 5));
    const app = await startAnalytics(loadConfig({ NPO_DATA_DIR: dir.path, NPO_LOG_LEVEL: 'silent', NPO_AD_HOC_MAX_PENDING: '1' }), { port: 0, shutdownHooks: false, store });
    try {
      await app.runtime.caughtUp();
      const admin = await (await TokenService.fromDataDir(dir.path)).issueToken({ role: 'admin' });
      const answers = await Promise.all(
        ['2021-07-01', '2021-07-02', '2021-07-03'].map((day) => fetch(`${app.url}/v1/reports/national?asOf=${day}`, { headers: { authorization: `Bearer ${admin}` } })),
      );
      // One is taken; the others are refused unless it ended before they arrived.
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      expect(await answers.find((a) => a.status === 503)?.json()).toMatchObject({ status: 503, code: 'ad-hoc-queue-full', pending: 1 });
    } finally {
      await app.close();
      await store.close();
      dir.remove();
    }
  }, 120_000);
});

describe('analytics service with NPO_RELEASE_MAX_PENDING', () => {
  it('queues as many release requests as the variable says, and refuses the rest with 503 release-queue-full', async () => {
    const dir = tempDir('analytics-release-limit');
    const store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(store, generateHistory(30, 5));
    const app = await startAnalytics(loadConfig({ NPO_DATA_DIR: dir.path, NPO_LOG_LEVEL: 'silent', NPO_RELEASE_MAX_PENDING: '1' }), { port: 0, shutdownHooks: false, store });
    try {
      await app.runtime.caughtUp();
      const ocw = await (await TokenService.fromDataDir(dir.path)).issueToken({ role: 'ocw' });
      const answers = await Promise.all(
        ['2022-07-31', '2022-08-31', '2022-09-30'].map((asOf) =>
          fetch(`${app.url}/v1/releases`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${ocw}` },
            body: JSON.stringify({ asOf }),
          }),
        ),
      );
      // One is taken; the others are refused unless it ended before they arrived (or, arriving after a later
      // date was released, go back in time: 422).
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThanOrEqual(1);
      expect(statuses.every((s) => s === 201 || s === 503 || s === 422)).toBe(true);
      const refused = answers.find((a) => a.status === 503);
      expect(refused?.headers.get('retry-after')).toBe('60');
      expect(await refused?.json()).toMatchObject({ status: 503, code: 'release-queue-full', pending: 1 });
    } finally {
      await app.close();
      await store.close();
      dir.remove();
    }
  }, 120_000);
});
