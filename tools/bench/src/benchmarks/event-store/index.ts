import type { Benchmark } from '../../harness/benchmark.js';
import { emmettSqlite, emmettSqliteShared } from './emmett-sqlite.js';
import { WORKLOADS } from './fixtures.js';
import { npoSqlite } from './npo-sqlite.js';
import { rawBetterSqlite3 } from './raw-better-sqlite3.js';

/** Events per run: [full, quick]. emmett gets fewer (it is slower by orders of magnitude; the rate is compared). */
const sizes: Record<string, Record<string, readonly [number, number]>> = {
  [WORKLOADS.single]: { 'npo-sqlite': [5_000, 1_000], 'raw-better-sqlite3': [5_000, 1_000], 'emmett-sqlite': [1_000, 200], 'emmett-sqlite-shared': [2_000, 400] },
  [WORKLOADS.batch]: { 'npo-sqlite': [200_000, 20_000], 'raw-better-sqlite3': [200_000, 20_000], 'emmett-sqlite': [20_000, 3_000], 'emmett-sqlite-shared': [20_000, 5_000] },
  [WORKLOADS.concurrent]: { 'npo-sqlite': [50_000, 8_000], 'raw-better-sqlite3': [50_000, 8_000], 'emmett-sqlite': [1_600, 320], 'emmett-sqlite-shared': [1_600, 320] },
};

const sizeOf = (workload: string) => (contender: string, quick: boolean): number => {
  const s = sizes[workload]?.[contender];
  if (s === undefined) throw new Error(`No size for ${workload} / ${contender}`);
  return quick ? s[1] : s[0];
};

export const eventStoreBenchmark: Benchmark = {
  name: 'event-store',
  description: 'event-store append throughput, synchronous=FULL, files in a temp dir',
  unit: 'events/s',
  baseline: 'npo-sqlite',
  workloads: [
    { name: WORKLOADS.single, description: 'one writer, one event per awaited append, 100 streams, exact expected version', size: sizeOf(WORKLOADS.single) },
    { name: WORKLOADS.batch, description: 'one writer, 100 events per awaited append, 100 streams, exact expected version', size: sizeOf(WORKLOADS.batch) },
    { name: WORKLOADS.concurrent, description: '16 concurrent writers, one event per awaited append, a stream each, exact expected version', size: sizeOf(WORKLOADS.concurrent) },
  ],
  contenders: [npoSqlite, emmettSqlite, emmettSqliteShared, rawBetterSqlite3],
  targets: [
    { workload: WORKLOADS.concurrent, contender: 'npo-sqlite', atLeast: 40_000 },
    { workload: WORKLOADS.batch, contender: 'npo-sqlite', atLeast: 150_000 },
  ],
  runTimeoutMs: (quick) => (quick ? 15_000 : 30_000),
};
