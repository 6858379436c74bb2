import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Benchmark, Contender } from './benchmark.js';
import { runBenchmark } from './runner.js';

interface Call {
  readonly workload: string;
  readonly contender: string;
  readonly size: number;
  readonly dir: string;
}

/** A contender that does `size` units of busy work (`cost` loop turns each) and records its calls. */
function fake(name: string, calls: Call[], behaviour: { cost?: number; storedDelta?: number; throws?: boolean } = {}): Contender {
  return {
    name,
    description: `fake ${name}`,
    async prepare(workload, { dir, size }) {
      calls.push({ workload, contender: name, size, dir });
      if (behaviour.throws) throw new Error(`${name} cannot start`);
      let sink = 0;
      return {
        async run() {
          for (let i = 0; i < size * (behaviour.cost ?? 1); i++) sink += i % 7;
          return { operations: size };
        },
        verify: async () => size + (behaviour.storedDelta ?? 0) + (sink < 0 ? 1 : 0),
        dispose: async () => undefined,
      };
    },
  };
}

function benchmark(calls: Call[], extra: Contender[] = []): Benchmark {
  return {
    name: 'fake',
    description: 'harness test',
    unit: 'ops/s',
    baseline: 'ours',
    workloads: [
      { name: 'w1', description: 'first', size: (c, quick) => (quick ? 100 : 1_000) * (c === 'peer' ? 2 : 1) },
      { name: 'w2', description: 'second', size: () => 500 },
    ],
    contenders: [fake('ours', calls), fake('peer', calls, { cost: 20 }), ...extra],
    targets: [
      { workload: 'w1', contender: 'ours', atLeast: 1 },
      { workload: 'w2', contender: 'ours', atLeast: Number.MAX_SAFE_INTEGER },
    ],
  };
}

describe('runBenchmark', () => {
  it('measures every contender on every workload for every run, interleaved, with a warm-up per run', async () => {
    const calls: Call[] = [];
    const result = await runBenchmark(benchmark(calls), { runs: 3, quick: false, isolation: 'inline' });

    expect(result.cases.map((c) => `${c.workload}/${c.contender}`)).toEqual(['w1/ours', 'w1/peer', 'w2/ours', 'w2/peer']);
    for (const c of result.cases) {
      expect(c.samples).toHaveLength(3);
      expect(c.failures).toBe(0);
      expect(c.rate).toBeDefined();
      expect(c.rate!.min).toBeLessThanOrEqual(c.rate!.median);
      expect(c.rate!.median).toBeLessThanOrEqual(c.rate!.max);
      expect(c.samples.every((s) => s.operations === c.size && s.peakRssBytes > 0)).toBe(true);
    }
    // Each measured run is preceded by a smaller warm-up in its own directory: 2 prepares per sample.
    expect(calls).toHaveLength(4 * 3 * 2);
    expect(new Set(calls.map((c) => c.dir)).size).toBe(calls.length);
    expect(calls.every((c) => !existsSync(c.dir))).toBe(true);
    // Rounds rotate the starting case, so no contender always goes first.
    const firstMeasured = [0, 1, 2].map((round) => calls[round * 8 + 1]!.contender + calls[round * 8 + 1]!.workload);
    expect(new Set(firstMeasured).size).toBe(3);
  });

  it('uses per-contender and quick sizes', async () => {
    const calls: Call[] = [];
    const result = await runBenchmark(benchmark(calls), { runs: 1, quick: true, isolation: 'inline' });
    expect(result.cases.find((c) => c.workload === 'w1' && c.contender === 'peer')?.size).toBe(200);
    expect(result.cases.find((c) => c.workload === 'w1' && c.contender === 'ours')?.size).toBe(100);
    expect(result.quick).toBe(true);
  });

  it('reports the ratio of medians per pair against the baseline, and checks targets', async () => {
    const result = await runBenchmark(benchmark([]), { runs: 3, quick: true, isolation: 'inline' });
    for (const workload of ['w1', 'w2']) {
      const ours = result.cases.find((c) => c.workload === workload && c.contender === 'ours')!;
      const peer = result.cases.find((c) => c.workload === workload && c.contender === 'peer')!;
      const pair = result.ratios.find((r) => r.workload === workload && r.peer === 'peer');
      expect(pair?.baseline).toBe('ours');
      expect(pair?.ratio).toBeCloseTo(ours.rate!.median / peer.rate!.median, 10);
    }
    expect(result.targets.map((t) => t.met)).toEqual([true, false]);
    expect(result.targets[0]?.measured).toBe(result.cases[0]?.rate?.median);
  });

  it('checks peak RSS and ratio-to-peer targets against the case and its peer', async () => {
    const base = benchmark([]);
    const result = await runBenchmark(
      {
        ...base,
        // A peer thousands of times slower per operation: a preemption during the few microseconds of ours cannot flip the ratio.
        contenders: [fake('ours', []), fake('peer', [], { cost: 20_000 })],
        targets: [
          { workload: 'w1', contender: 'ours', peakRssAtMostBytes: Number.MAX_SAFE_INTEGER },
          { workload: 'w1', contender: 'ours', peakRssAtMostBytes: 1 },
          { workload: 'w1', contender: 'ours', ratioToPeerAtLeast: { peer: 'peer', ratio: 1 } },
          { workload: 'w1', contender: 'ours', ratioToPeerAtLeast: { peer: 'peer', ratio: 1_000_000 } },
          { workload: 'w1', contender: 'ours', ratioToPeerAtLeast: { peer: 'nobody', ratio: 0 } },
        ],
      },
      { runs: 1, quick: true, isolation: 'inline' },
    );
    const ours = result.cases.find((c) => c.workload === 'w1' && c.contender === 'ours')!;
    const peer = result.cases.find((c) => c.workload === 'w1' && c.contender === 'peer')!;
    expect(result.targets.map((t) => t.met)).toEqual([true, false, true, false, false]);
    expect(result.targets[0]?.measuredPeakRssBytes).toBe(ours.peakRssBytes);
    expect(result.targets[2]?.measuredRatioToPeer).toBeCloseTo(ours.rate!.median / peer.rate!.median, 10);
    expect(result.targets[4]?.measuredRatioToPeer).toBeUndefined();
  });

  it('leaves out the targets of cases that did not run, and keeps a failed case\'s target as not met', async () => {
    const only = (workload: string): Contender => ({ ...fake('ours', []), supports: (w) => w === workload });
    const base = benchmark([]);
    const result = await runBenchmark({ ...base, contenders: [only('w1')] }, { runs: 1, quick: true, isolation: 'inline' });
    expect(result.cases.map((c) => c.workload)).toEqual(['w1']);
    expect(result.targets.map((t) => [t.workload, t.met])).toEqual([['w1', true]]);

    const broken = await runBenchmark({ ...base, contenders: [fake('ours', [], { throws: true })] }, { runs: 1, quick: true, isolation: 'inline' });
    expect(broken.targets.map((t) => [t.workload, t.measured, t.met])).toEqual([
      ['w1', undefined, false],
      ['w2', undefined, false],
    ]);
  });

  it('records a contender that fails to start or stores less than it claims as failed, without a rate', async () => {
    const calls: Call[] = [];
    const result = await runBenchmark(benchmark(calls, [fake('broken', calls, { throws: true }), fake('liar', calls, { storedDelta: -1 })]), {
      runs: 2,
      quick: true,
      isolation: 'inline',
    });
    for (const name of ['broken', 'liar']) {
      const c = result.cases.find((x) => x.workload === 'w2' && x.contender === name)!;
      expect(c.failures).toBe(2);
      expect(c.rate).toBeUndefined();
      expect(result.ratios.find((r) => r.workload === 'w2' && r.peer === name)?.ratio).toBeUndefined();
    }
    const liar = result.cases.find((x) => x.workload === 'w2' && x.contender === 'liar')!;
    expect(liar.samples[0]?.failure).toMatch(/verification: 499 operations stored, 500 reported/);
    expect(result.cases.find((x) => x.workload === 'w2' && x.contender === 'broken')?.samples[0]?.failure).toMatch(/cannot start/);
  });
});

describe('paired ratio', () => {
  it('is the median of the per-round ratios of baseline to peer', async () => {
    const result = await runBenchmark(benchmark([]), { runs: 3, quick: true, isolation: 'inline' });
    expect(result.ratios).toHaveLength(2);
    for (const pair of result.ratios) {
      const base = result.cases.find((c) => c.workload === pair.workload && c.contender === 'ours')!.samples;
      const peer = result.cases.find((c) => c.workload === pair.workload && c.contender === pair.peer)!.samples;
      const perRound = base.map((b, i) => b.rate / peer[i]!.rate).sort((a, b) => a - b);
      expect(pair.pairedRatio).toBeCloseTo(perRound[1]!, 10);
    }
  });

  it('leaves out rounds in which the peer failed', async () => {
    const result = await runBenchmark(benchmark([], [fake('broken', [], { throws: true })]), { runs: 2, quick: true, isolation: 'inline' });
    expect(result.ratios.filter((r) => r.peer === 'broken').map((r) => r.pairedRatio)).toEqual([undefined, undefined]);
  });
});

/** A contender that reports its own timing and latency, like a JVM tool or a fixed-rate load. */
function selfTimed(name: string, calls: Call[], elapsedMs: number, latency: (run: number) => { p50: number; p99: number }, warmup?: boolean): Contender {
  // Counts measured runs per workload (warm-ups are smaller than 100 operations here).
  const runs = new Map<string, number>();
  return {
    name,
    description: `self-timed ${name}`,
    ...(warmup === undefined ? {} : { warmup }),
    async prepare(workload, { dir, size }) {
      calls.push({ workload, contender: name, size, dir });
      const run = runs.get(workload) ?? 0;
      if (size >= 100) runs.set(workload, run + 1);
      return {
        run: async () => ({ operations: size, elapsedMs, latencyMs: latency(run) }),
        dispose: async () => undefined,
      };
    },
  };
}

describe('runBenchmark extensions for self-timed and fixed-rate contenders', () => {
  const latencyBenchmark = (calls: Call[], p99Bound: number): Benchmark => ({
    name: 'latency',
    description: 'harness test',
    unit: 'ops/s',
    baseline: 'ours',
    workloads: [
      { name: 'steady', description: 'fixed rate', size: () => 400, baseline: 'tool' },
      { name: 'other', description: 'default baseline', size: () => 100 },
    ],
    contenders: [
      selfTimed('ours', calls, 2_000, (run) => ({ p50: 10 + run, p99: [40, 90, 60][run % 3]! })),
      selfTimed('tool', calls, 1_000, () => ({ p50: 1, p99: 2 }), false),
    ],
    targets: [
      { workload: 'steady', contender: 'ours', p99AtMostMs: p99Bound },
      { workload: 'steady', contender: 'ours', atLeast: 1_000, p99AtMostMs: 1_000 },
    ],
  });

  it("takes a contender's own elapsed time for the rate, and skips the warm-up of contenders that opt out", async () => {
    const calls: Call[] = [];
    const result = await runBenchmark(latencyBenchmark(calls, 100), { runs: 3, quick: false, isolation: 'inline' });
    const tool = result.cases.find((c) => c.workload === 'steady' && c.contender === 'tool')!;
    const ours = result.cases.find((c) => c.workload === 'steady' && c.contender === 'ours')!;
    expect(tool.samples.map((s) => s.rate)).toEqual([400, 400, 400]);
    expect(ours.samples.map((s) => s.rate)).toEqual([200, 200, 200]);
    // ours: warm-up + run per sample on 2 workloads; tool: run only.
    expect(calls.filter((c) => c.contender === 'ours')).toHaveLength(2 * 3 * 2);
    expect(calls.filter((c) => c.contender === 'tool')).toHaveLength(2 * 3);
  });

  it("takes a contender's own peak RSS (work in a child process) instead of the worker's", async () => {
    const own: Contender = {
      name: 'cli',
      description: 'reports the peak RSS of the program it ran',
      warmup: false,
      prepare: async (_workload, { size }) => ({ run: async () => ({ operations: size, peakRssBytes: 123_456_789 }), dispose: async () => undefined }),
    };
    const result = await runBenchmark({ ...latencyBenchmark([], 100), contenders: [own], targets: [{ workload: 'other', contender: 'cli', peakRssAtMostBytes: 123_456_788 }] }, { runs: 1, quick: false, isolation: 'inline' });
    expect(result.cases.map((c) => c.peakRssBytes)).toEqual([123_456_789, 123_456_789]);
    expect(result.targets.map((t) => [t.measuredPeakRssBytes, t.met])).toEqual([[123_456_789, false]]);
  });

  it('reports the median of each latency percentile and compares a workload with its own baseline', async () => {
    const result = await runBenchmark(latencyBenchmark([], 100), { runs: 3, quick: false, isolation: 'inline' });
    const ours = result.cases.find((c) => c.workload === 'steady' && c.contender === 'ours')!;
    // The three runs report p99 40, 90 and 60 ms: the median is 60, not the mean or the last.
    expect(ours.latencyMs?.p99).toBe(60);
    expect(result.workloads.map((w) => w.baseline)).toEqual(['tool', 'ours']);
    const steady = result.ratios.filter((r) => r.workload === 'steady');
    expect(steady).toEqual([expect.objectContaining({ baseline: 'tool', peer: 'ours', ratio: 2 })]);
    expect(result.ratios.filter((r) => r.workload === 'other').map((r) => `${r.baseline}/${r.peer}`)).toEqual(['ours/tool']);
  });

  it('meets a latency target only when the median p99 is within it (and the rate, when given, is reached)', async () => {
    const within = await runBenchmark(latencyBenchmark([], 60), { runs: 3, quick: false, isolation: 'inline' });
    expect(within.targets.map((t) => [t.measuredP99Ms, t.met])).toEqual([
      [60, true],
      [60, false],
    ]);
    const over = await runBenchmark(latencyBenchmark([], 59), { runs: 3, quick: false, isolation: 'inline' });
    expect(over.targets[0]?.met).toBe(false);
  });

  it('carries p95 when the contender reports it, and checks a p95 bound on the median p95', async () => {
    const withP95 = (bound: number): Benchmark => ({
      ...latencyBenchmark([], 1_000),
      contenders: [selfTimed('ours', [], 2_000, (run) => ({ p50: 5, p95: [30, 50, 40][run % 3]!, p99: 80 })), selfTimed('tool', [], 1_000, () => ({ p50: 1, p99: 2 }), false)],
      targets: [{ workload: 'steady', contender: 'ours', p95AtMostMs: bound }],
    });
    const result = await runBenchmark(withP95(40), { runs: 3, quick: false, isolation: 'inline' });
    // p95 of the three runs 30, 50, 40: median 40; the tool reports none and gets none.
    expect(result.cases.find((c) => c.workload === 'steady' && c.contender === 'ours')?.latencyMs).toEqual({ p50: 5, p95: 40, p99: 80 });
    expect(result.cases.find((c) => c.workload === 'steady' && c.contender === 'tool')?.latencyMs?.p95).toBeUndefined();
    expect(result.targets.map((t) => [t.measuredP95Ms, t.met])).toEqual([[40, true]]);
    expect((await runBenchmark(withP95(39), { runs: 3, quick: false, isolation: 'inline' })).targets[0]?.met).toBe(false);
  });

  it('runs the preflight check before any case and aborts with its message', async () => {
    const calls: Call[] = [];
    const failing: Benchmark = {
      ...latencyBenchmark(calls, 100),
      preflight: () => Promise.reject(new Error('no broker: run `npm run kafka -- start`')),
    };
    await expect(runBenchmark(failing, { runs: 1, quick: true, isolation: 'inline' })).rejects.toThrow('npm run kafka -- start');
    expect(calls).toHaveLength(0);
  });
});
