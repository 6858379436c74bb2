import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { AnalyticsDatabase, runProjector, storeEventFeed } from '@npo/analytics-model';
import { appendSteps, generateHistory, tempDir } from '@npo/analytics-model/testing';
import { protectReport, reportInputAsOf, type ReportInput } from '@npo/analytics-reports';
import { RELEASE_WORKER_PRIORITY } from './protect-off-thread.js';
import { openSqliteEventStore } from '@npo/event-store';
import type { PriorRelease } from '@npo/privacy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The worker threads start the compiled entry (dist/protect-worker.js), in a plain Node process as the
// service runs them: inside vitest they would inherit its source-resolving export condition. `npm test`
// builds before it tests.
const compiledModule = fileURLToPath(new URL('../dist/protect-off-thread.js', import.meta.url));

/*
 * Script text that samples, every 5 ms, which of the process's threads run at a release's nice value (field 19
 * of /proc/self/task/<tid>/stat); `background` counts the threads ever seen so.
 */
const sampleBackgroundThreads = `
    import { readdirSync, readFileSync as readProc } from 'node:fs';
    const niced = new Set();
    const sample = () => { for (const tid of readdirSync('/proc/self/task')) {
      try { const stat = readProc('/proc/self/task/' + tid + '/stat', 'utf8'); if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16] === '${RELEASE_WORKER_PRIORITY}') niced.add(tid); } catch {}
    } };
    let background = 0;
    const sampler = setInterval(() => { sample(); background = niced.size; }, 5);`;

interface BuildAnswer {
  readonly published?: unknown;
  readonly prior?: unknown;
  readonly error?: { name: string; message: string };
  /** How many threads were seen at a release's priority while it ran. */
  readonly background: number;
}

/** Runs the build's protectOffThread in its own Node process; answers its result (or error) as JSON. */
async function protectInBuild(inputFile: string, threads: number, parameters: object = {}, priorFiles: readonly string[] = [], abortAfterMs?: number): Promise<BuildAnswer> {
  const script = `
    import { readFileSync } from 'node:fs';
    ${sampleBackgroundThreads}
    const { protectOffThread } = await import(${JSON.stringify(compiledModule)});
    const input = JSON.parse(readFileSync(${JSON.stringify(inputFile)}, 'utf8'));
    try {
      const stop = new AbortController();
      ${abortAfterMs === undefined ? '' : `setTimeout(() => stop.abort(), ${abortAfterMs});`}
      const report = await protectOffThread({ input, options: { parameters: ${JSON.stringify(parameters)} }, priorFiles: ${JSON.stringify(priorFiles)}, threads: ${threads}, signal: stop.signal });
      process.stdout.write(JSON.stringify({ published: report.published, prior: report.prior, background }));
    } catch (error) {
      process.stdout.write(JSON.stringify({ error: { name: error.constructor.name, message: error.message }, background }));
    }
    clearInterval(sampler);`;
  // A script file, not `-e`: worker threads inherit the process's execArgv.
  const scriptFile = join(dirname(inputFile), `protect-${threads}-${priorFiles.length}-${abortAfterMs ?? 'run'}.mjs`);
  writeFileSync(scriptFile, script);
  const { stdout } = await promisify(execFile)(process.execPath, [scriptFile], { maxBuffer: 256 * 1024 * 1024 });
  return JSON.parse(stdout) as BuildAnswer;
}

const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

// Under `nice -n 19` every thread already runs at a release's priority: the release's threads cannot be told apart.
const alreadyAtReleasePriority = getPriority() >= RELEASE_WORKER_PRIORITY;
if (alreadyAtReleasePriority) {
  console.warn(`[protect-off-thread] skipping the priority test: this process already runs at nice ${getPriority()}, a release's own priority`);
}

const warmModule = fileURLToPath(new URL('../dist/warm-protector.js', import.meta.url));

/**
 * Runs the build's WarmProtector in its own Node process: four views one after another on one warm
 * worker, one of them failing, one after the worker ended idle. The script never closes the protector:
 * the process has to end by itself (an idle worker must not keep the service's process alive).
 */
async function warmInBuild(inputFile: string): Promise<{ views: unknown[]; error: string; background: number }> {
  const script = `
    import { readFileSync } from 'node:fs';
    ${sampleBackgroundThreads}
    const { WarmProtector } = await import(${JSON.stringify(warmModule)});
    const input = JSON.parse(readFileSync(${JSON.stringify(inputFile)}, 'utf8'));
    const warm = new WarmProtector({ idleMs: 100 });
    const views = [(await warm.protect({ input, options: {} })).published];
    const error = await warm.protect({ input, options: { parameters: { minFrequency: 0 } } }).then(() => 'none', (e) => e.constructor.name);
    views.push((await warm.protect({ input, options: {} })).published);
    await new Promise((resolve) => setTimeout(resolve, 400));
    views.push((await warm.protect({ input, options: {} })).published);
    clearInterval(sampler);
    process.stdout.write(JSON.stringify({ views, error, background }));`;
  const scriptFile = join(dirname(inputFile), 'warm.mjs');
  writeFileSync(scriptFile, script);
  const { stdout } = await promisify(execFile)(process.execPath, [scriptFile], { maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  return JSON.parse(stdout) as { views: unknown[]; error: string; background: number };
}

describe('protection in worker threads (compiled build)', () => {
  const dir = tempDir('analytics-protect-threads');
  const inputFile = join(dir.path, 'input.json');
  const laterInputFile = join(dir.path, 'later', 'input.json');
  let input: ReportInput;
  let later: ReportInput;

  beforeAll(async () => {
    if (!existsSync(compiledModule)) throw new Error(`${compiledModule} is missing: build first (npm test does: nx run-many -t build)`);
    const events = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(events, generateHistory(80, 21));
    const db = await AnalyticsDatabase.open({ dir: join(dir.path, 'analytics') });
    const feed = storeEventFeed(events);
    const head = await feed.head();
    await db.read((conn) => runProjector(conn, { feed, until: head }));
    input = await reportInputAsOf(db, '2022-08-31', 'threads');
    writeFileSync(inputFile, JSON.stringify(input));
    later = await reportInputAsOf(db, '2023-08-31', 'threads-later');
    mkdirSync(dirname(laterInputFile));
    writeFileSync(laterInputFile, JSON.stringify(later));
    await db.close();
    await events.close();
  }, 60_000);
  afterAll(() => dir.remove());

  it('ends its workers when the signal aborts (a stopping service): no report, and the process is free to exit', { timeout: 120_000 }, async () => {
    // The child process prints and exits on its own: a worker left running would keep it alive past the test's time-out.
    const answer = await protectInBuild(inputFile, 2, {}, [], 20);
    expect(answer.published).toBeUndefined();
    expect(answer.error?.name).toBe('ProtectionWorkerError');
  });

  it('makes, over 1, 2 or 3 threads, the same report the library makes in-process', { timeout: 120_000 }, async () => {
    const inProcess = await protectReport(input);
    expect(inProcess.published.disclosure.suppressed.length).toBeGreaterThan(0);
    for (const threads of [1, 2, 3]) {
      const offThread = await protectInBuild(inputFile, threads);
      expect(offThread.error, `${threads} threads`).toBeUndefined();
      expect(offThread.published, `${threads} threads`).toEqual(viaJson(inProcess.published));
      expect(offThread.prior).toEqual(viaJson(inProcess.prior));
    }
  });

  it.skipIf(alreadyAtReleasePriority)("runs a release's worker threads below normal priority, and nothing else", { timeout: 60_000 }, async () => {
    const answer = await protectInBuild(inputFile, 2);
    expect(answer.error).toBeUndefined();
    expect(answer.background).toBe(2);
  });

  it('takes earlier releases from their prior files, in every worker, as the library takes them in-process', { timeout: 120_000 }, async () => {
    // A stricter first release: what it withheld stays withheld in the later one, so the prior shows.
    const first = await protectReport(input, { parameters: { minFrequency: 12 } });
    // Written as the release store writes prior.json.
    const priorFile = join(dir.path, 'prior.json');
    writeFileSync(priorFile, JSON.stringify(first.prior));
    const withPrior = await protectReport(later, { priorReleases: [viaJson(first.prior) as PriorRelease] });
    // The prior changes this release, so a worker that ignored the file would be caught.
    expect(viaJson(withPrior.published)).not.toEqual(viaJson((await protectReport(later)).published));
    for (const threads of [1, 2]) {
      const offThread = await protectInBuild(laterInputFile, threads, {}, [priorFile]);
      expect(offThread.error, `${threads} threads`).toBeUndefined();
      expect(offThread.published, `${threads} threads`).toEqual(viaJson(withPrior.published));
    }
  });

  it('protects views one after another on one warm worker, after a failure and after it ended idle', { timeout: 90_000 }, async () => {
    const inProcess = viaJson((await protectReport(input)).published);
    const { views, error, background } = await warmInBuild(inputFile);
    expect(error).toBe('InvalidParametersError');
    // Views are what people wait for: their worker keeps normal priority (not visible under nice 19, see above).
    if (!alreadyAtReleasePriority) expect(background).toBe(0);
    expect(views).toHaveLength(3);
    for (const view of views) expect(view).toEqual(inProcess);
  });

  it('survives a warm worker that crashes during a request and one that crashes idle; the next views get a new worker', { timeout: 90_000 }, async () => {
    const dirOf = dirname(inputFile);
    const counter = join(dirOf, 'requests.txt');
    writeFileSync(counter, '0');
    // A worker entry around the real one that counts requests across workers in a file: it crashes on the
    // first request (while the real entry works on it), crashes 100 ms after answering the second, and
    // leaves every later request to the real entry.
    const crashing = join(dirOf, 'crashing-worker.mjs');
    writeFileSync(
      crashing,
      `import ${JSON.stringify(pathToFileURL(fileURLToPath(new URL('../dist/protect-worker.js', import.meta.url))).href)};
       import { readFileSync, writeFileSync } from 'node:fs';
       import { parentPort } from 'node:worker_threads';
       let n = 0;
       parentPort.on('message', () => {
         n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
         writeFileSync(${JSON.stringify(counter)}, String(n));
         if (n === 1) throw new Error('crash during a request');
       });
       const post = parentPort.postMessage.bind(parentPort);
       parentPort.postMessage = (message) => {
         post(message);
         if (n === 2) setTimeout(() => { throw new Error('crash while idle'); }, 100);
       };`,
    );
    const script = `
      import { readFileSync } from 'node:fs';
      import { pathToFileURL } from 'node:url';
      const { WarmProtector } = await import(${JSON.stringify(warmModule)});
      const input = JSON.parse(readFileSync(${JSON.stringify(inputFile)}, 'utf8'));
      const failures = [];
      const warm = new WarmProtector({ entry: pathToFileURL(${JSON.stringify(crashing)}), onWorkerError: (error) => failures.push(error.message) });
      const settled = await Promise.allSettled([warm.protect({ input, options: {} }), warm.protect({ input, options: {} })]);
      // Until the second worker has crashed while idle (100 ms after its answer, later on a busy machine).
      for (let i = 0; failures.length < 2 && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const third = await warm.protect({ input, options: {} }).then(() => 'answered', (e) => e.name);
      process.stdout.write(JSON.stringify({ first: settled[0].status === 'rejected' ? settled[0].reason.name : 'answered', second: settled[1].status === 'fulfilled' ? 'answered' : settled[1].reason.message, third, failures }));`;
    const scriptFile = join(dirOf, 'crash.mjs');
    writeFileSync(scriptFile, script);
    const { stdout } = await promisify(execFile)(process.execPath, [scriptFile], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ first: 'ProtectionWorkerError', second: 'answered', third: 'answered', failures: ['crash during a request', 'crash while idle'] });
    expect(readFileSync(counter, 'utf8')).toBe('3');
  });

  it('brings a worker failure back as the library error class', { timeout: 60_000 }, async () => {
    const answer = await protectInBuild(inputFile, 2, { minFrequency: 0 });
    expect(answer.error?.name).toBe('InvalidParametersError');
  });
});
