import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openSqliteEventStore } from '@npo/event-store';
import { TokenService } from '@npo/platform';
import autocannon from 'autocannon';
import type { Benchmark, Contender, RunOutcome } from '../harness/benchmark.js';

/*
 * Commands through the school API over loopback HTTP, as a client sees them: autocannon in this process,
 * the built API (`node apps/school-api/dist/main.js`, SQLite file with synchronous=FULL) in its own.
 * The peer is the HTTP ceiling of this machine: a bare Fastify server in its own process answering the
 * same requests with a constant JSON body (parses the JSON body, no auth, no validation, no store).
 */

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const builtSchoolApi = join(repoRoot, 'apps/school-api/dist/main.js');

export const COMMAND_MIX = 'command-mix';
const SCHOOLS_PER_CONNECTION = 20;
const YEAR = '2022-2023';

export interface HttpLoadOptions {
  readonly connections: number;
  /** Stop after this many requests ... */
  readonly amount?: number;
  /** ... or after this many seconds. */
  readonly durationSeconds?: number;
}

export interface HttpMeasurement {
  readonly requests: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly elapsedMs: number;
  /** 2xx answers per second. */
  readonly okPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
}

/** A benchmark target: where to send the load and how to stop it. */
interface Target {
  readonly url: string;
  readonly schools: readonly string[];
  readonly tokens: { readonly ocw: string; readonly school: ReadonlyMap<string, string> };
  stop(): Promise<void>;
}

const brinNo = (i: number): string =>
  `${10 + Math.floor(i / 676)}${String.fromCharCode(65 + (Math.floor(i / 26) % 26))}${String.fromCharCode(65 + (i % 26))}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited before answering:\n${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`server at ${url} never answered:\n${output()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function spawnServer(args: readonly string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { child, output: () => tail };
}

async function issueTokens(tokens: TokenService, schools: readonly string[]): Promise<Target['tokens']> {
  const school = new Map<string, string>();
  for (const brin of schools) school.set(brin, await tokens.issueToken({ role: 'school', brin }, { expiresIn: '2h' }));
  return { ocw: await tokens.issueToken({ role: 'ocw' }, { expiresIn: '2h' }), school };
}

/** The built API on a fresh data dir, with every school of the load registered (untimed). */
export async function startSchoolApiTarget(dataDir: string, connections: number): Promise<Target> {
  if (!existsSync(builtSchoolApi)) throw new Error(`${builtSchoolApi} is missing: build it first (npx nx run @npo/school-api:build)`);
  const port = await freePort();
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_')));
  // Request logs off (warn): the benchmark measures the command path, not log shipping.
  const server = spawnServer([builtSchoolApi], { ...env, NPO_DATA_DIR: dataDir, NPO_API_PORT: String(port), NPO_HOST: '127.0.0.1', NPO_LOG_LEVEL: 'warn' });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/health/live`, server.child, server.output);

  const schools = Array.from({ length: connections * SCHOOLS_PER_CONNECTION }, (_, i) => brinNo(i));
  const tokens = await issueTokens(await TokenService.fromDataDir(dataDir), schools);
  const register = async (brin: string) => {
    const response = await fetch(`${url}/v1/schools/${brin}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${tokens.ocw}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `School ${brin}`, sector: 'bo', gemeente: 'GM0363', pupils: 300, achterstandsscore: 20 }),
    });
    if (response.status !== 201) throw new Error(`registering ${brin}: ${response.status} ${await response.text()}`);
  };
  for (let i = 0; i < schools.length; i += 50) await Promise.all(schools.slice(i, i + 50).map(register));
  return { url, schools, tokens, stop: () => stopProcess(server.child) };
}

const bareFastifySource = `
import Fastify from 'fastify';
const app = Fastify({ logger: false, bodyLimit: 65536 });
const answer = { eventId: '0193a5c0-0000-7000-8000-000000000000', eventIds: ['0193a5c0-0000-7000-8000-000000000000'], streamVersion: 1, globalPosition: 1 };
app.post('/v1/schools/:brin/*', async (_request, reply) => { reply.code(201); return answer; });
app.get('/health/live', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
`;

/** The HTTP ceiling: Fastify in its own process, same requests, constant answer. */
export async function startBareFastifyTarget(connections: number): Promise<Target> {
  const port = await freePort();
  const server = spawnServer(['--input-type=module', '-e', bareFastifySource], { ...process.env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/health/live`, server.child, server.output);
  const schools = Array.from({ length: connections * SCHOOLS_PER_CONNECTION }, (_, i) => brinNo(i));
  return { url, schools, tokens: { ocw: 'x', school: new Map(schools.map((b) => [b, 'x'])) }, stop: () => stopProcess(server.child) };
}

/**
 * Each connection owns its own schools and cycles through them; per school the commands run
 * choose B3 -> allocate -> withdraw B3 -> choose B3 ..., so every command is valid whatever the other
 * connections do. One connection has one request in flight, so a school's commands stay in order.
 */
function commandMix(target: Target, connections: number, runId: string): (client: autocannon.Client) => void {
  let clients = 0;
  return (client) => {
    const id = clients++ % connections;
    const owned = Array.from({ length: SCHOOLS_PER_CONNECTION }, (_, i) => target.schools[id + connections * i]!);
    let n = 0;
    client.setRequests([
      {
        method: 'POST',
        setupRequest: (request) => {
          const k = n++;
          const brin = owned[k % owned.length]!;
          const step = Math.floor(k / owned.length) % 3;
          const headers = { 'content-type': 'application/json', 'idempotency-key': `${runId}-${id}-${k}` };
          if (step === 1) {
            return {
              ...request,
              method: 'POST',
              path: `/v1/schools/${brin}/allocations`,
              headers: { ...headers, authorization: `Bearer ${target.tokens.ocw}` },
              body: JSON.stringify({ schoolYear: YEAR, amountCents: 1_000_00 + k, basis: 'NPO-bekostiging' }),
            };
          }
          const token = `Bearer ${target.tokens.school.get(brin)!}`;
          return step === 0
            ? {
                ...request,
                method: 'POST',
                path: `/v1/schools/${brin}/interventions`,
                headers: { ...headers, authorization: token },
                body: JSON.stringify({ schoolYear: YEAR, code: 'B3', plannedBudgetCents: 25_000_00, pupilsReached: 40, targetDomains: ['rekenen', 'lezen'] }),
              }
            : {
                ...request,
                method: 'POST',
                path: `/v1/schools/${brin}/interventions/B3/withdrawals`,
                headers: { ...headers, authorization: token },
                body: JSON.stringify({ schoolYear: YEAR, reason: 'Andere aanpak gekozen' }),
              };
        },
      },
    ]);
  };
}

/** Runs the command mix against a target and summarises what autocannon saw. */
export async function loadTarget(target: Target, options: HttpLoadOptions, runId: string): Promise<HttpMeasurement> {
  const started = performance.now();
  const result = await autocannon({
    url: target.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 10,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
    setupClient: commandMix(target, options.connections, runId),
  });
  const elapsedMs = performance.now() - started;
  const ok = result['2xx'];
  return {
    requests: ok + result.non2xx,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    elapsedMs,
    okPerSecond: (ok * 1000) / elapsedMs,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
  };
}

/** What a run returns to the harness; `latencyMs` rides along for a harness that keeps it. */
export interface HttpRunOutcome extends RunOutcome {
  readonly latencyMs: HttpMeasurement['latencyMs'];
}

const CONNECTIONS = 50;
/** Untimed requests against the measured server first, so its code is warm (the harness's warm-up starts another server). */
const WARMUP_REQUESTS = 3_000;

const schoolApiContender: Contender = {
  name: 'npo-school-api',
  description: 'apps/school-api built, own process: JWT, zod, decide, SQLite append (WAL, synchronous=FULL, group commit); request logs off',
  async prepare(_workload, { dir, size }) {
    const target = await startSchoolApiTarget(dir, CONNECTIONS);
    await loadTarget(target, { connections: CONNECTIONS, amount: Math.min(WARMUP_REQUESTS, size) }, 'warmup');
    const runId = 'run';
    let outcome: HttpRunOutcome | undefined;
    return {
      async run() {
        const m = await loadTarget(target, { connections: CONNECTIONS, amount: size }, runId);
        outcome = { operations: m.ok, errors: m.non2xx + m.errors, latencyMs: m.latencyMs, ...(m.non2xx + m.errors > 0 ? { firstError: `${m.non2xx} non-2xx, ${m.errors} errors` } : {}) };
        return outcome;
      },
      async verify() {
        await target.stop();
        const store = await openSqliteEventStore({ path: join(dir, 'events.sqlite') });
        try {
          return (await store.readAll()).filter((e) => e.metadata.idempotencyKey?.startsWith(`${runId}-`)).length;
        } finally {
          await store.close();
        }
      },
      dispose: () => target.stop(),
    };
  },
};

const bareFastifyContender: Contender = {
  name: 'bare-fastify',
  description: 'Fastify 5 in its own process, same requests, constant JSON answer: the HTTP ceiling of this machine',
  async prepare(_workload, { size }) {
    const target = await startBareFastifyTarget(CONNECTIONS);
    await loadTarget(target, { connections: CONNECTIONS, amount: Math.min(WARMUP_REQUESTS, size) }, 'warmup');
    return {
      async run() {
        const m = await loadTarget(target, { connections: CONNECTIONS, amount: size }, 'run');
        const outcome: HttpRunOutcome = { operations: m.ok, errors: m.non2xx + m.errors, latencyMs: m.latencyMs };
        return outcome;
      },
      dispose: () => target.stop(),
    };
  },
};

/** For the harness (tools/bench/src/benchmarks/registry.ts). Operations are commands answered 2xx. */
export const schoolApiHttpBenchmark: Benchmark = {
  name: 'school-api-http',
  description: `school API commands over loopback HTTP with autocannon, ${CONNECTIONS} connections, built API in its own process, SQLite synchronous=FULL`,
  unit: 'commands/s',
  baseline: 'npo-school-api',
  workloads: [
    {
      name: COMMAND_MIX,
      description: `per school in turn: choose B3, allocate funds, withdraw B3; ${CONNECTIONS * SCHOOLS_PER_CONNECTION} pre-registered schools, unique Idempotency-Keys`,
      size: (contender, quick) => (contender === 'bare-fastify' ? (quick ? 20_000 : 200_000) : quick ? 5_000 : 50_000),
    },
  ],
  contenders: [schoolApiContender, bareFastifyContender],
  targets: [{ workload: COMMAND_MIX, contender: 'npo-school-api', atLeast: 5_000 }],
  runTimeoutMs: (quick) => (quick ? 60_000 : 180_000),
};

export interface SchoolApiHttpReport {
  readonly command: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly schoolApi: HttpMeasurement & { readonly stored: number };
  readonly bareFastify: HttpMeasurement;
  readonly target: { readonly commandsPerSecond: number; readonly p99Ms: number; readonly met: boolean };
}

/**
 * Standalone: both contenders for a fixed time, with latency percentiles (which the harness's samples
 * do not carry yet). `node tools/bench/dist/benchmarks/school-api-http.js [seconds] [connections]`.
 */
export async function runSchoolApiHttpBenchmark(durationSeconds = 10, connections = CONNECTIONS): Promise<SchoolApiHttpReport> {
  const dir = await mkdtemp(join(tmpdir(), 'npo-bench-school-api-http-'));
  try {
    const api = await startSchoolApiTarget(dir, connections);
    let schoolApi: HttpMeasurement;
    try {
      await loadTarget(api, { connections, amount: WARMUP_REQUESTS }, 'warmup');
      schoolApi = await loadTarget(api, { connections, durationSeconds }, 'run');
    } finally {
      await api.stop();
    }
    const store = await openSqliteEventStore({ path: join(dir, 'events.sqlite') });
    const stored = (await store.readAll()).filter((e) => e.metadata.idempotencyKey?.startsWith('run-')).length;
    await store.close();

    const bare = await startBareFastifyTarget(connections);
    let bareFastify: HttpMeasurement;
    try {
      await loadTarget(bare, { connections, amount: WARMUP_REQUESTS }, 'warmup');
      bareFastify = await loadTarget(bare, { connections, durationSeconds }, 'run');
    } finally {
      await bare.stop();
    }
    return {
      command: `node tools/bench/dist/benchmarks/school-api-http.js ${durationSeconds} ${connections}`,
      connections,
      durationSeconds,
      schoolApi: { ...schoolApi, stored },
      bareFastify,
      target: {
        commandsPerSecond: 5_000,
        p99Ms: 25,
        // A timed run ends with up to one request per connection answered by the server but not
        // counted by autocannon, so the store may hold that many more than the 2xx count.
        met:
          schoolApi.okPerSecond >= 5_000 &&
          schoolApi.latencyMs.p99 <= 25 &&
          schoolApi.non2xx === 0 &&
          stored >= schoolApi.ok &&
          stored - schoolApi.ok <= connections,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runSchoolApiHttpBenchmark(Number(process.argv[2] ?? 10), Number(process.argv[3] ?? CONNECTIONS));
  console.log(JSON.stringify(report, null, 2));
}
