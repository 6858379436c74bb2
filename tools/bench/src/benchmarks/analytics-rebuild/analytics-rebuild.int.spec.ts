import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.js';
import { ensureEventsFixture } from './fixture.js';
import { analyticsRebuildBenchmark, REBUILD } from './index.js';

// Correctness, not speed: a tiny simulator fixture, both contenders really end with every event in
// their DuckDB file (runCase checks the file's count against the reported one), and the cache is reused.
const SIZE = 3_000;
const cache = mkdtempSync(join(tmpdir(), 'npo-bench-cache-test-'));
const previous = { cache: process.env['NPO_BENCH_CACHE'], events: process.env['NPO_BENCH_EVENTS'] };

beforeAll(() => {
  process.env['NPO_BENCH_CACHE'] = cache;
  process.env['NPO_BENCH_EVENTS'] = String(SIZE);
});
afterAll(() => {
  for (const [key, value] of [['NPO_BENCH_CACHE', previous.cache], ['NPO_BENCH_EVENTS', previous.events]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(cache, { recursive: true, force: true });
});

describe('analytics-rebuild fixture', () => {
  it('holds exactly the events asked for, in the store and as NDJSON lines in global order, and is generated once', async () => {
    const first = await ensureEventsFixture({ scale: 'stress', events: SIZE, ndjson: true }, cache);
    expect(first.events).toBe(SIZE);
    const lines = readFileSync(first.ndjsonPath!, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(SIZE);
    const positions = lines.map((l) => (JSON.parse(l) as { globalPosition: number }).globalPosition);
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);
    expect((JSON.parse(lines[0]!) as { type: string }).type).toMatch(/^npo\./);
    const again = await ensureEventsFixture({ scale: 'stress', events: SIZE, ndjson: true }, cache);
    expect(first.generated).toBe(true);
    expect(again.generated).toBe(false);
    expect(again.dir).toBe(first.dir);
    expect(existsSync(`${first.dir}.partial-${process.pid}`)).toBe(false);
  });
});

describe('analytics-rebuild contenders', () => {
  for (const contender of analyticsRebuildBenchmark.contenders) {
    it(`${contender.name} ends with every event in its DuckDB file`, async () => {
      const sample = await runCase(analyticsRebuildBenchmark, { benchmark: analyticsRebuildBenchmark.name, workload: REBUILD, contender: contender.name, size: SIZE, warmupSize: 0 });
      expect(sample.failure).toBeUndefined();
      expect(sample.errors).toBe(0);
      expect(sample.operations).toBe(SIZE);
    });
  }
});
