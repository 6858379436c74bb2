import type { Benchmark, Contender, RunOutcome } from '../../harness/benchmark.js';
import { loadCommandMix, SCHOOLS_PER_CONNECTION } from './command-mix.js';
import { startPeerTarget, startSchoolApiTarget, type HttpTarget } from './targets.js';

/*
 * Issue #2's HTTP target: commands through the school API over loopback HTTP, as a client sees them.
 * autocannon runs in the harness's worker process, the server in its own (the built app, SQLite file
 * in the run's temp dir, synchronous=FULL, real EdDSA tokens). Beside it, in the same invocation, the
 * machine's limit for the same requests: Fastify + one better-sqlite3 row per request (peer-server.ts).
 */

export const COMMAND_MIX = 'command-mix';
export const SCHOOL_API = 'npo-school-api';
export const PEER = 'fastify-sqlite';
export const CONNECTIONS = 50;
/** Untimed requests against the measured server before the timed run, so its code is warm; a multiple of one full cycle. */
const WARMUP_REQUESTS = CONNECTIONS * SCHOOLS_PER_CONNECTION * 3;

export interface HttpRunOutcome extends RunOutcome {
  readonly latencyMs: { readonly p50: number; readonly p99: number };
}

/** A contender that starts `start` on the run's directory, warms it up, and times `size` commands. */
export function httpContender(
  name: string,
  description: string,
  start: (dir: string, schools: number) => Promise<HttpTarget>,
  { connections = CONNECTIONS, warmupRequests = WARMUP_REQUESTS }: { connections?: number; warmupRequests?: number } = {},
): Contender {
  return {
    name,
    description,
    // The server is another process, started per run: the harness's in-worker warm-up would warm a
    // server that is then thrown away, so the run warms its own server instead.
    warmup: false,
    async prepare(_workload, { dir, size }) {
      const target = await start(dir, connections * SCHOOLS_PER_CONNECTION);
      let stopped = false;
      const stop = async (): Promise<void> => {
        if (stopped) return;
        stopped = true;
        await target.stop();
      };
      try {
        if (warmupRequests > 0) {
          const warm = await loadCommandMix(target, { connections, amount: warmupRequests, runId: 'warmup' });
          if (warm.ok !== warmupRequests) throw new Error(`warm-up: ${warm.non2xx} non-2xx, ${warm.errors} errors of ${warmupRequests}`);
        }
      } catch (error) {
        await stop();
        throw error;
      }
      return {
        async run(): Promise<HttpRunOutcome> {
          const m = await loadCommandMix(target, { connections, amount: size, runId: 'run' });
          const errors = m.non2xx + m.errors;
          return {
            operations: m.ok,
            errors,
            elapsedMs: m.elapsedMs,
            latencyMs: m.latencyMs,
            ...(errors > 0 ? { firstError: `${m.non2xx} non-2xx answers, ${m.errors} errors (${m.timeouts} time-outs)` } : {}),
          };
        },
        async verify() {
          await stop();
          return target.stored('run');
        },
        dispose: stop,
      };
    },
  };
}

export const schoolApiHttpBenchmark: Benchmark = {
  name: 'school-api-http',
  description: `school API commands over loopback HTTP, autocannon with ${CONNECTIONS} connections, server in its own process, SQLite synchronous=FULL`,
  unit: 'commands/s',
  baseline: SCHOOL_API,
  workloads: [
    {
      name: COMMAND_MIX,
      description: `per school in turn: choose intervention B3, allocate funds (ocw), withdraw B3; ${CONNECTIONS * SCHOOLS_PER_CONNECTION} registered schools, a unique Idempotency-Key per request; p50/p99 from autocannon`,
      size: (contender, quick) => (contender === PEER ? (quick ? 10_000 : 100_000) : quick ? 5_000 : 50_000),
    },
  ],
  contenders: [
    httpContender(
      SCHOOL_API,
      'apps/school-api built (node dist/main.js): Nest on Fastify, EdDSA JWT, zod, decide, SQLite append (WAL, synchronous=FULL, group commit), request logs at warn',
      startSchoolApiTarget,
    ),
    httpContender(
      PEER,
      'the machine limit: Fastify 5 with the same JSON parsing and body limit, one row per request by plain better-sqlite3 (WAL, synchronous=FULL, group commit); no auth, validation or domain',
      startPeerTarget,
    ),
  ],
  targets: [{ workload: COMMAND_MIX, contender: SCHOOL_API, atLeast: 5_000, p99AtMostMs: 25 }],
  runTimeoutMs: (quick) => (quick ? 90_000 : 240_000),
};
