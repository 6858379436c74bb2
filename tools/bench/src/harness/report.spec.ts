import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeMachine, toMarkdown, writeReport, type Report } from './report.js';
import { runBenchmark } from './runner.js';

const dir = mkdtempSync(join(tmpdir(), 'npo-bench-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sampleReport(): Promise<Report> {
  const contender = (name: string, cost: number) => ({
    name,
    description: name,
    async prepare(_w: string, { size }: { size: number }) {
      return {
        async run() {
          let x = 0;
          for (let i = 0; i < size * cost; i++) x += i;
          return { operations: size, ...(x < 0 ? { errors: 1 } : {}) };
        },
        dispose: async () => undefined,
      };
    },
  });
  const result = await runBenchmark(
    {
      name: 'demo',
      description: 'a demo',
      unit: 'things/s',
      baseline: 'a',
      workloads: [{ name: 'only', description: 'the workload', size: () => 300 }],
      contenders: [contender('a', 1), contender('b', 10)],
      targets: [{ workload: 'only', contender: 'a', atLeast: 1 }],
    },
    { runs: 2, quick: true, isolation: 'inline' },
  );
  return { ...result, command: 'npm run bench -- demo --quick', machine: describeMachine() };
}

describe('report', () => {
  it('writes <dir>/<benchmark>.json with every sample, the machine and the command', async () => {
    const report = await sampleReport();
    const file = await writeReport(dir, report);
    expect(file).toBe(join(dir, 'demo.json'));
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Report;
    expect(parsed.cases.map((c) => c.samples.length)).toEqual([2, 2]);
    expect(parsed.command).toBe('npm run bench -- demo --quick');
    expect(parsed.machine.cpus).toBeGreaterThan(0);
    expect(parsed.ratios).toEqual(report.ratios);
  });

  it('writes under another name when asked, so a variant run keeps the default run\'s results', async () => {
    const report = await sampleReport();
    const file = await writeReport(dir, report, 'demo-national');
    expect(file).toBe(join(dir, 'demo-national.json'));
    expect((JSON.parse(readFileSync(file, 'utf8')) as Report).benchmark).toBe('demo');
  });

  it('prints one table row per case with the ratio against the baseline and the targets', async () => {
    const report = await sampleReport();
    const md = toMarkdown(report);
    const rows = md.split('\n').filter((l) => l.startsWith('| only |'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('| a |');
    expect(rows[0]).toContain('baseline');
    const r = report.ratios[0]!.ratio!;
    expect(rows[1]).toContain(r >= 10 ? `${Math.round(r)}x` : `${r.toFixed(2)}x`);
    expect(md).toContain('things/s (median)');
    expect(md).toMatch(/only \/ a >= 1 things\/s: .* — met/);
  });

  it('adds a latency column and latency targets when a contender reports latency, and names each workload baseline', async () => {
    const base = await sampleReport();
    const report: Report = {
      ...base,
      workloads: [{ name: 'only', description: 'the workload', baseline: 'b' }],
      cases: base.cases.map((c) => (c.contender === 'a' ? { ...c, latencyMs: { p50: 12.34, p99: 140 } } : c)),
      targets: [{ workload: 'only', contender: 'a', p99AtMostMs: 1_000, measured: 1, measuredP99Ms: 140, met: true }],
    };
    const md = toMarkdown(report);
    expect(md).toContain('latency p50 / p99 (median)');
    expect(md).toContain('workload baseline vs this');
    const rows = md.split('\n').filter((l) => l.startsWith('| only |'));
    expect(rows[0]).toContain('| 12.3 ms / 140 ms |');
    expect(rows[1]).toContain('baseline');
    expect(md).toMatch(/only \/ a p99 <= 1000 ms: p99 140 ms — met/);
  });

  it('shows p95 beside p50 and p99 when a contender reports it, and checks p95 targets', async () => {
    const base = await sampleReport();
    const report: Report = {
      ...base,
      cases: base.cases.map((c) => (c.contender === 'a' ? { ...c, latencyMs: { p50: 4, p95: 42, p99: 90 } } : { ...c, latencyMs: { p50: 5, p99: 9 } })),
      targets: [{ workload: 'only', contender: 'a', p95AtMostMs: 50, measured: 1, measuredP95Ms: 42, met: true }],
    };
    const md = toMarkdown(report);
    expect(md).toContain('latency p50 / p95 / p99 (median)');
    const rows = md.split('\n').filter((l) => l.startsWith('| only |'));
    expect(rows[0]).toContain('| 4 ms / 42 ms / 90 ms |');
    expect(rows[1]).toContain('| 5 ms / – / 9 ms |');
    expect(md).toMatch(/only \/ a p95 <= 50 ms: p95 42 ms — met/);
  });

  it('states memory and ratio targets in MB and as a ratio to the named peer', async () => {
    const base = await sampleReport();
    const report: Report = {
      ...base,
      targets: [
        { workload: 'only', contender: 'a', peakRssAtMostBytes: 500_000_000, measured: 1, measuredPeakRssBytes: 524_288_000, met: false },
        { workload: 'only', contender: 'a', ratioToPeerAtLeast: { peer: 'b', ratio: 0.3 }, measured: 1, measuredRatioToPeer: 4.2, met: true },
      ],
    };
    const md = toMarkdown(report);
    expect(md).toContain('only / a peak RSS <= 500 MB (477 MiB): peak RSS 524 MB (500 MiB) — NOT met');
    expect(md).toContain('only / a >= 0.3x b: 4.20x — met');
  });
});
