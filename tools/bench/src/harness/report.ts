import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatNumber, type BenchmarkResult } from './runner.js';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly release: string;
  readonly node: string;
}

export const describeMachine = (): Machine => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryBytes: totalmem(),
  platform: platform(),
  release: release(),
  node: process.version,
});

export interface Report extends BenchmarkResult {
  readonly command: string;
  readonly machine: Machine;
}

/** Writes `<dir>/<name>.json` (default: the benchmark's name) and returns its path. */
export async function writeReport(dir: string, report: Report, name: string = report.benchmark): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

const ms = (n: number): string => `${n >= 100 ? Math.round(n) : Math.round(n * 10) / 10} ms`;
const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MiB`;
// Targets are written in MB (10^6 bytes), as issues state them; the MiB beside them matches the tables.
const megabytes = (bytes: number): string => `${Math.round(bytes / 1e6)} MB (${mib(bytes)})`;
const times = (r: number | undefined): string => (r === undefined ? 'n/a (peer failed)' : `${r >= 10 ? Math.round(r) : r.toFixed(2)}x`);
const pairText = (ratioOfMedians: number | undefined, paired: number | undefined): string =>
  ratioOfMedians === undefined ? times(undefined) : `${times(ratioOfMedians)} (${times(paired)})`;

export function toMarkdown(report: Report): string {
  const withLatency = report.cases.some((c) => c.latencyMs !== undefined);
  const withP95 = report.cases.some((c) => c.latencyMs?.p95 !== undefined);
  const baselineOf = (workload: string): string => report.workloads.find((w) => w.name === workload)?.baseline ?? report.baseline;
  const perWorkload = report.workloads.some((w) => w.baseline !== report.baseline);
  const vsHeader = perWorkload ? 'workload baseline vs this (per-round median)' : `${report.baseline} vs this (per-round median)`;
  const lines = [
    `### ${report.benchmark}: ${report.description}`,
    '',
    `${report.runs} run(s)${report.quick ? ', quick' : ''}, ${report.machine.cpus} x ${report.machine.cpuModel}, Node ${report.machine.node}. ` +
      `Command: \`${report.command}\``,
    '',
    `| workload | contender | ops/run | ${report.unit} (median) | min – max |${withLatency ? ` latency p50 /${withP95 ? ' p95 /' : ''} p99 (median) |` : ''} peak RSS | ${vsHeader} |`,
    `|---|---|--:|--:|--:|${withLatency ? '--:|' : ''}--:|--:|`,
  ];
  for (const c of report.cases) {
    const pair = report.ratios.find((r) => r.workload === c.workload && r.peer === c.contender);
    const rate =
      c.rate === undefined ? 'failed' : formatNumber(c.rate.median) + (c.failures > 0 ? ` (${c.failures} failed)` : '') + (c.errors > 0 ? ` (${c.errors} errors)` : '');
    const range = c.rate === undefined ? '' : `${formatNumber(c.rate.min)} – ${formatNumber(c.rate.max)}`;
    const latency = withLatency ? ` ${c.latencyMs === undefined ? '' : `${ms(c.latencyMs.p50)} /${withP95 ? ` ${c.latencyMs.p95 === undefined ? '–' : ms(c.latencyMs.p95)} /` : ''} ${ms(c.latencyMs.p99)}`} |` : '';
    const vs = c.contender === baselineOf(c.workload) ? 'baseline' : pairText(pair?.ratio, pair?.pairedRatio);
    lines.push(`| ${c.workload} | ${c.contender} | ${c.size.toLocaleString('en-US')} | ${rate} | ${range} |${latency} ${mib(c.peakRssBytes)} | ${vs} |`);
  }
  const failures = report.cases.flatMap((c) =>
    c.samples.filter((s) => s.failure !== undefined || s.firstError !== undefined).slice(0, 1).map((s) => `- ${c.workload} / ${c.contender}: ${s.failure ?? s.firstError}`),
  );
  if (failures.length > 0) lines.push('', 'Failures and errors (first per case):', ...failures);
  if (report.targets.length > 0) {
    lines.push('', 'Targets:');
    for (const t of report.targets) {
      const measured = t.measured === undefined ? 'no result' : formatNumber(t.measured);
      const wanted = [
        ...(t.atLeast === undefined ? [] : [`>= ${formatNumber(t.atLeast)} ${report.unit}`]),
        ...(t.p95AtMostMs === undefined ? [] : [`p95 <= ${ms(t.p95AtMostMs)}`]),
        ...(t.p99AtMostMs === undefined ? [] : [`p99 <= ${ms(t.p99AtMostMs)}`]),
        ...(t.peakRssAtMostBytes === undefined ? [] : [`peak RSS <= ${megabytes(t.peakRssAtMostBytes)}`]),
        ...(t.ratioToPeerAtLeast === undefined ? [] : [`>= ${t.ratioToPeerAtLeast.ratio}x ${t.ratioToPeerAtLeast.peer}`]),
      ].join(' and ');
      const got = [
        ...(t.atLeast === undefined ? [] : [measured]),
        ...(t.p95AtMostMs === undefined ? [] : [t.measuredP95Ms === undefined ? 'no p95' : `p95 ${ms(t.measuredP95Ms)}`]),
        ...(t.p99AtMostMs === undefined ? [] : [t.measuredP99Ms === undefined ? 'no latency' : `p99 ${ms(t.measuredP99Ms)}`]),
        ...(t.peakRssAtMostBytes === undefined ? [] : [`peak RSS ${megabytes(t.measuredPeakRssBytes ?? 0)}`]),
        ...(t.ratioToPeerAtLeast === undefined ? [] : [t.measuredRatioToPeer === undefined ? 'no ratio (peer failed)' : `${times(t.measuredRatioToPeer)}`]),
      ].join(', ');
      lines.push(`- ${t.workload} / ${t.contender} ${wanted}: ${got} — ${t.met ? 'met' : 'NOT met'}`);
    }
  }
  return lines.join('\n');
}
