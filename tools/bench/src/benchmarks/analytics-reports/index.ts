import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SCHEMA_VERSION } from '@npo/analytics-model';
import type { Benchmark, Contender, PreparedRun, RunOutcome } from '../../harness/benchmark.js';
import { percentile } from '../../harness/stats.js';
import { ensureEventsFixture, fixtureCacheRoot, FIXTURE_SEED } from '../analytics-rebuild/fixture.js';
import { startAnalyticsServer, type AnalyticsServer } from './analytics-server.js';

/*
 * Report latency (issue #3) through the real HTTP routes of the built analytics service, one request at
 * a time, on the national-scale simulator world (~400k events). The projection and a release are made
 * once and cached (set-up); every run copies that data dir, starts the service on it and times each
 * request from sending it to having read the whole JSON answer.
 */

export const GEMEENTE = 'gemeente-release';
export const NATIONAL = 'national-release';
export const AD_HOC = 'adhoc-asof';
export const AD_HOC_GEMEENTE = 'adhoc-gemeente';
export const AD_HOC_EVIDENCE = 'adhoc-evidence';
export const AD_HOC_DURING_RELEASE = 'adhoc-during-release';
export const LIVENESS_DURING_RELEASE = 'liveness-during-release';
const AD_HOC_WORKLOADS: readonly string[] = [AD_HOC, AD_HOC_GEMEENTE, AD_HOC_EVIDENCE, AD_HOC_DURING_RELEASE];
export const CREATE_RELEASE = 'release-create';
export const RELEASE_AS_OF = '2025-08-31';
/** The next scheduled release after release 1: protected with release 1 as prior knowledge. */
export const NEXT_RELEASE_AS_OF = '2026-08-31';

export type ReportsScale = 'national' | 'demo';

/**
 * Default: the 4-gemeente demo world. NPO_BENCH_REPORTS_SCALE=national asks for the national world, whose
 * set-up release does not finish within an hour today (see README), so a plain `npm run bench` would hang.
 */
export const reportsScale = (): ReportsScale => (process.env['NPO_BENCH_REPORTS_SCALE'] === 'national' ? 'national' : 'demo');

// The real gemeenten of the simulated world, from Amsterdam to Vlieland: big and tiny reports.
const GEMEENTEN: Readonly<Record<ReportsScale, readonly string[]>> = {
  national: ['GM0363', 'GM0599', 'GM0518', 'GM0344', 'GM0014', 'GM0772', 'GM0034', 'GM0855', 'GM0268', 'GM0758', 'GM0080', 'GM0093', 'GM0060', 'GM0088', 'GM0096'],
  demo: ['GM0060', 'GM0072', 'GM0074', 'GM0080'],
};

const DAY_MS = 86_400_000;
/**
 * A different day per request (the service caches an ad-hoc view per as-of day; a benchmark must not hit
 * that cache), counting back from the day before release 1: late days hold every school year, the most work.
 */
export const adHocDay = (i: number): string => new Date(Date.parse(`${RELEASE_AS_OF}T00:00:00Z`) - (i + 1) * DAY_MS).toISOString().slice(0, 10);

/**
 * Bumped when the disclosure control changes what release 1 holds: release 2 is protected against it, and
 * a release 1 of an older engine can get release 2 refused (2: counts linked to their amounts; 3: consent
 * by the deadline counted among the schools with consent).
 */
const RELEASE_ENGINE = 3;

/** Where the reports fixture lives: the national store plus the service's projection and release 1. */
export const reportsFixtureDir = (): string =>
  join(fixtureCacheRoot(), `analytics-reports-${reportsScale()}-seed${FIXTURE_SEED}-schema${SCHEMA_VERSION}-releases${RELEASE_ENGINE}`);

/** The data dir with the projection and release 1, built once (the service projects the store, then releases). */
export async function ensureReportsFixture(): Promise<string> {
  const dir = reportsFixtureDir();
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const events = await ensureEventsFixture({ scale: reportsScale() });
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await cp(events.storePath, join(partial, 'events.sqlite'));
  const server = await startAnalyticsServer(partial);
  try {
    const created = await server.post('/v1/releases', { asOf: RELEASE_AS_OF }, await server.tokens.issueToken({ role: 'ocw' }));
    if (created.status !== 201) throw new Error(`POST /v1/releases answered ${created.status}: ${created.body}`);
  } finally {
    await server.stop();
  }
  await writeFile(join(partial, 'manifest.json'), `${JSON.stringify({ events: events.events, release: 1, asOf: RELEASE_AS_OF, createdAt: new Date().toISOString() }, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(partial, dir);
  return dir;
}

interface Request {
  readonly path: string;
  readonly token: string | undefined;
}

/** The i-th request of a workload; `round` shifts the ad-hoc days so warm-up and timed requests differ. */
async function requestFor(workload: string, i: number, server: AnalyticsServer, round: number): Promise<Request> {
  switch (workload) {
    case GEMEENTE: {
      const codes = GEMEENTEN[reportsScale()];
      return { path: `/v1/reports/gemeenten/${codes[i % codes.length]!}`, token: await server.tokens.issueToken({ role: 'ocw' }) };
    }
    case NATIONAL:
      return { path: '/v1/reports/national', token: undefined };
    case AD_HOC:
    case AD_HOC_DURING_RELEASE:
      return { path: `/v1/reports/national?asOf=${adHocDay(round * 500 + i)}`, token: await server.tokens.issueToken({ role: 'ocw' }) };
    case AD_HOC_GEMEENTE: {
      const codes = GEMEENTEN[reportsScale()];
      return { path: `/v1/reports/gemeenten/${codes[i % codes.length]!}?asOf=${adHocDay(round * 500 + i)}`, token: await server.tokens.issueToken({ role: 'ocw' }) };
    }
    case AD_HOC_EVIDENCE:
      return { path: `/v1/reports/evidence?asOf=${adHocDay(round * 500 + i)}`, token: await server.tokens.issueToken({ role: 'ocw' }) };
    default:
      throw new Error(`unknown workload ${workload}`);
  }
}

/** What a good answer looks like: a report from release 1, or an ad-hoc one (`release: null`). */
function checkAnswer(workload: string, body: string): string | undefined {
  const doc = JSON.parse(body) as { release?: { number?: number } | null };
  if (AD_HOC_WORKLOADS.includes(workload)) return doc.release === null ? undefined : 'an ad-hoc report carried a release';
  return doc.release?.number === 1 ? undefined : `expected release 1, got ${JSON.stringify(doc.release)}`;
}

/** POST /v1/releases: projection snapshot, disclosure control against release 1, audit, stored. One per run. */
async function timeReleases(server: AnalyticsServer, count: number): Promise<TimedRequests> {
  const token = await server.tokens.issueToken({ role: 'ocw' });
  const timesMs: number[] = [];
  let firstError: string | undefined;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const answer = await server.post('/v1/releases', { asOf: NEXT_RELEASE_AS_OF }, token);
    timesMs.push(performance.now() - started);
    const made = answer.status === 201 ? (JSON.parse(answer.body) as { number?: number; auditOk?: boolean }) : undefined;
    if (made?.number === undefined || made.auditOk !== true) firstError ??= `POST /v1/releases: ${answer.status} ${answer.body.slice(0, 200)}`;
  }
  const errors = firstError === undefined ? 0 : 1;
  return { operations: count - errors, errors, ...(firstError === undefined ? {} : { firstError }), timesMs };
}

/** How long a release runs before the first view: its first part reads the projection, then it protects. */
const RELEASE_HEAD_START_MS = 5_000;
/** Between two views, as someone reading one before asking the next; back to back they would starve the release. */
const VIEW_PAUSE_MS = 1_000;

/**
 * Ad-hoc views while releases are made (ocw looking at today's figures while the yearly release runs): a
 * release is started, and again whenever the last one ended, until every view was asked, so each view
 * overlaps one. The last release is not waited for: stopping the service ends it.
 */
async function timeViewsDuringReleases(server: AnalyticsServer, count: number, round: number): Promise<TimedRequests> {
  const ocw = await server.tokens.issueToken({ role: 'ocw' });
  let viewing = true;
  let releaseError: string | undefined;
  // Never rejects: what fails while the views are asked is their error, what fails after is the service stopping.
  void (async () => {
    while (viewing) {
      const answer = await server.post('/v1/releases', { asOf: NEXT_RELEASE_AS_OF }, ocw).catch((error: unknown) => ({ status: 0, body: String(error) }));
      if (answer.status !== 201) {
        if (viewing) releaseError = `POST /v1/releases during the views: ${answer.status} ${answer.body.slice(0, 200)}`;
        return;
      }
    }
  })();
  await sleep(RELEASE_HEAD_START_MS);
  try {
    const timed = await timeEach(AD_HOC_DURING_RELEASE, server, count, round, { pauseMs: VIEW_PAUSE_MS, failure: () => releaseError });
    // The rate over the views' own time, as for the other ad-hoc workloads: the head start and pauses are not work.
    return { ...timed, elapsedMs: timed.timesMs.reduce((a, b) => a + b, 0) };
  } finally {
    viewing = false;
  }
}

/** One liveness probe per this many ms, whether or not the last one was answered. */
const PROBE_EVERY_MS = 10;

/**
 * GET /health/live every PROBE_EVERY_MS from the moment a release is asked for: the release's first seconds
 * (reading the projection, building its input, handing it to the workers) are the service's own thread's
 * work, and any stretch of it without a turn of the event loop keeps every request waiting. The probes are
 * sent on a clock, not one after the other, so a stall delays every probe that falls in it (a probe sent
 * only after the last answer would count a stall once).
 */
async function timeLivenessDuringRelease(server: AnalyticsServer, count: number): Promise<TimedRequests> {
  const ocw = await server.tokens.issueToken({ role: 'ocw' });
  let releaseError: string | undefined;
  let probing = true;
  void server.post('/v1/releases', { asOf: NEXT_RELEASE_AS_OF }, ocw).then(
    (answer) => {
      if (answer.status !== 201 && probing) releaseError = `POST /v1/releases during the probes: ${answer.status} ${answer.body.slice(0, 200)}`;
    },
    (error: unknown) => {
      if (probing) releaseError = `POST /v1/releases during the probes: ${String(error)}`;
    },
  );
  const started = performance.now();
  const probes: Promise<{ ms: number; problem?: string }>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * PROBE_EVERY_MS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    // fetch's own connection pool, not the server's two-socket agent: waiting probes each hold a connection,
    // so a stall delays each of them once instead of queueing them behind one another in the client.
    probes.push(
      fetch(`${server.url}/health/live`).then(
        async (answer) => {
          await answer.arrayBuffer();
          return { ms: performance.now() - sent, ...(answer.status === 200 ? {} : { problem: `/health/live: ${answer.status}` }) };
        },
        (error: unknown) => ({ ms: performance.now() - sent, problem: `/health/live: ${String(error)}` }),
      ),
    );
  }
  const answers = await Promise.all(probes);
  probing = false;
  const firstError = releaseError ?? answers.find((a) => a.problem !== undefined)?.problem;
  const errors = answers.filter((a) => a.problem !== undefined).length || (releaseError === undefined ? 0 : 1);
  return { operations: count - errors, errors, elapsedMs: performance.now() - started, ...(firstError === undefined ? {} : { firstError }), timesMs: answers.map((a) => a.ms) };
}

type TimedRequests = RunOutcome & { readonly timesMs: readonly number[] };

function timeRequests(workload: string, server: AnalyticsServer, count: number, round: number): Promise<TimedRequests> {
  if (workload === CREATE_RELEASE) return timeReleases(server, count);
  if (workload === AD_HOC_DURING_RELEASE) return timeViewsDuringReleases(server, count, round);
  if (workload === LIVENESS_DURING_RELEASE) return timeLivenessDuringRelease(server, count);
  return timeEach(workload, server, count, round);
}

/** The requests one after another; `failure` fails every request from the moment it answers a message. */
async function timeEach(
  workload: string,
  server: AnalyticsServer,
  count: number,
  round: number,
  { pauseMs = 0, failure = () => undefined }: { readonly pauseMs?: number; readonly failure?: () => string | undefined } = {},
): Promise<TimedRequests> {
  // Tokens are minted before the clock starts: signing is the client's cost, not the service's.
  const requests = await Promise.all(Array.from({ length: count }, (_, i) => requestFor(workload, i, server, round)));
  const timesMs: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  for (const request of requests) {
    const started = performance.now();
    const answer = await server.get(request.path, request.token);
    timesMs.push(performance.now() - started);
    const problem = failure() ?? (answer.status === 200 ? checkAnswer(workload, answer.body) : `${request.path}: ${answer.status} ${answer.body.slice(0, 200)}`);
    if (problem !== undefined) {
      errors++;
      firstError ??= problem;
    }
    if (pauseMs > 0 && timesMs.length < requests.length) await sleep(pauseMs);
  }
  return { operations: count - errors, errors, ...(firstError === undefined ? {} : { firstError }), timesMs };
}

// An ad-hoc view is computed and protected from the projection on every request (a different day each
// time); the warm-up starts the service's protection worker, whose first start (~0.3 s) is a one-off.
const warmUpRequests = (workload: string): number => (workload === CREATE_RELEASE || workload === LIVENESS_DURING_RELEASE ? 0 : AD_HOC_WORKLOADS.includes(workload) ? 2 : 5);

/** NPO_BENCH_REPORTS_WORKLOADS=gemeente-release,national-release: only those (a national release takes minutes here). */
const selectedWorkloads = (): readonly string[] | undefined => process.env['NPO_BENCH_REPORTS_WORKLOADS']?.split(',').map((w) => w.trim());

const analyticsHttp: Contender = {
  name: 'analytics-http',
  description: 'the built analytics service (apps/analytics) on loopback HTTP, one request at a time (the liveness probes: on a clock), bearer tokens as clients send them',
  // The timed work runs in the service's process: the harness's in-worker warm-up would warm nothing.
  // Each run warms the service itself with a few untimed requests instead.
  warmup: false,
  supports: (workload) => selectedWorkloads()?.includes(workload) ?? true,
  async prepare(workload, { dir, size }): Promise<PreparedRun> {
    const fixture = await ensureReportsFixture();
    const dataDir = join(dir, 'data');
    await cp(fixture, dataDir, { recursive: true });
    const server = await startAnalyticsServer(dataDir, 120_000);
    try {
      // Plain views warm the service up for views during a release too: no release is started yet.
      if (warmUpRequests(workload) > 0) await timeEach(workload, server, warmUpRequests(workload), 1);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return {
      async run() {
        const { timesMs, ...outcome } = await timeRequests(workload, server, size, 0);
        return { ...outcome, latencyMs: { p50: percentile(timesMs, 50)!, p95: percentile(timesMs, 95)!, p99: percentile(timesMs, 99)! } };
      },
      dispose: () => server.stop(),
    };
  },
};

export const analyticsReportsBenchmark: Benchmark = {
  name: 'analytics-reports',
  description: `report latency through the analytics HTTP routes on the ${reportsScale()}-scale simulator world (release 1 as of 2025-08-31, and ad hoc)`,
  unit: 'reports/s',
  baseline: 'analytics-http',
  workloads: [
    { name: GEMEENTE, description: 'GET /v1/reports/gemeenten/{code} from release 1, rotating over 15 gemeenten (Amsterdam .. Vlieland), ocw token', size: (_c, quick) => (quick ? 30 : 300) },
    { name: NATIONAL, description: 'GET /v1/reports/national from release 1, public', size: (_c, quick) => (quick ? 20 : 150) },
    { name: AD_HOC, description: 'GET /v1/reports/national?asOf=<a different day each time> (the national view computed and protected from the projection, not cached), ocw token', size: (_c, quick) => (quick ? 3 : 20) },
    { name: AD_HOC_GEMEENTE, description: 'GET /v1/reports/gemeenten/{code}?asOf=<a different day each time>, rotating over the gemeenten above, ocw token', size: (_c, quick) => (quick ? 3 : 20) },
    { name: AD_HOC_EVIDENCE, description: 'GET /v1/reports/evidence?asOf=<a different day each time>, ocw token', size: (_c, quick) => (quick ? 3 : 20) },
    {
      name: AD_HOC_DURING_RELEASE,
      description: `${AD_HOC}'s views with ${VIEW_PAUSE_MS / 1000} s between them, while releases as of ${NEXT_RELEASE_AS_OF} are made (one starts ${RELEASE_HEAD_START_MS / 1000} s before the first view, and another whenever one ends)`,
      size: (_c, quick) => (quick ? 3 : 20),
    },
    {
      name: LIVENESS_DURING_RELEASE,
      description: `GET /health/live every ${PROBE_EVERY_MS} ms (on a clock, not after the last answer) from the moment a release as of ${NEXT_RELEASE_AS_OF} is asked for: how long the release's first seconds keep any request waiting`,
      size: (_c, quick) => (quick ? 100 : 600),
    },
    { name: CREATE_RELEASE, description: `POST /v1/releases as of ${NEXT_RELEASE_AS_OF}: every school year, disclosure control and audit with release 1 as prior, stored`, size: () => 1 },
  ],
  contenders: [analyticsHttp],
  resultsName: () => (reportsScale() === 'national' ? 'analytics-reports-national' : 'analytics-reports'),
  targets: [
    { workload: GEMEENTE, contender: 'analytics-http', p95AtMostMs: 50 },
    { workload: NATIONAL, contender: 'analytics-http', p95AtMostMs: 200 },
    { workload: AD_HOC, contender: 'analytics-http', p95AtMostMs: 1_000 },
    { workload: AD_HOC_GEMEENTE, contender: 'analytics-http', p95AtMostMs: 1_000 },
    { workload: AD_HOC_EVIDENCE, contender: 'analytics-http', p95AtMostMs: 1_000 },
    { workload: AD_HOC_DURING_RELEASE, contender: 'analytics-http', p95AtMostMs: 1_000 },
  ],
  // The first run may build the fixture: simulate ~400k events, project them, make a release.
  runTimeoutMs: (quick) => (quick ? 20 : 40) * 60_000,
};
