import { describe, expect, it } from 'vitest';
import { runCase } from '../harness/run-case.js';
import { eventStoreBenchmark } from './event-store/index.js';
import { WORKLOADS } from './event-store/fixtures.js';
import { sqliteStreamVersionBenchmark } from './sqlite-stream-version/index.js';

// Correctness of the contenders, not their speed: each really stores what it claims (runCase checks the
// stored count against the reported one) on real files. Small sizes keep this a test, not a benchmark.
describe('event-store benchmark contenders', () => {
  const ours = ['npo-sqlite', 'raw-better-sqlite3'];
  for (const workload of Object.values(WORKLOADS)) {
    for (const contender of ours) {
      it(`${contender} stores every event of ${workload}`, async () => {
        const sample = await runCase(eventStoreBenchmark, { benchmark: 'event-store', workload, contender, size: 800, warmupSize: 100 });
        expect(sample.failure).toBeUndefined();
        expect(sample.errors).toBe(0);
        expect(sample.operations).toBe(800);
        expect(sample.rate).toBeGreaterThan(0);
      });
    }
  }

  // emmett-sqlite under 16 concurrent writers can stall or fail by design of its connection handling:
  // that is what the benchmark shows, so only the sequential workloads are checked here.
  for (const contender of ['emmett-sqlite', 'emmett-sqlite-shared']) {
    for (const workload of [WORKLOADS.single, WORKLOADS.batch]) {
      it(`${contender} accounts for every event of ${workload} (stored or reported as an error)`, async () => {
        const size = workload === WORKLOADS.single ? 30 : 300;
        const sample = await runCase(eventStoreBenchmark, { benchmark: 'event-store', workload, contender, size, warmupSize: 0 });
        expect(sample.failure).toBeUndefined();
        const perAppend = workload === WORKLOADS.single ? 1 : 100;
        expect(sample.operations + sample.errors * perAppend).toBe(size);
        expect(sample.operations).toBeGreaterThan(0);
      });
    }
  }
});

describe('sqlite-stream-version benchmark variants', () => {
  for (const contender of sqliteStreamVersionBenchmark.contenders) {
    for (const workload of sqliteStreamVersionBenchmark.workloads) {
      it(`${contender.name} stores every event of ${workload.name}`, async () => {
        const sample = await runCase(sqliteStreamVersionBenchmark, { benchmark: sqliteStreamVersionBenchmark.name, workload: workload.name, contender: contender.name, size: 1_000, warmupSize: 0 });
        expect(sample.failure).toBeUndefined();
        expect(sample.operations).toBe(1_000);
      });
    }
  }
});
