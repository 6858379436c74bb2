import { fork } from 'node:child_process';
import type { Benchmark, LatencyPercentiles } from './benchmark.js';
import { runCase, type CaseSpec, type Sample } from './run-case.js';
import { ratio, spread, type Spread } from './stats.js';

export interface RunnerOptions {
  readonly runs: number;
  readonly quick: boolean;
  /**
   * `process` (default): every run in a fresh child process, so peak RSS, heap and native handles of
   * one contender never leak into another's numbers, and a hung peer can be killed.
   * `inline`: in this process (tests).
   */
  readonly isolation?: 'process' | 'inline';
  /** Script a worker process runs; it must call `workerMain` (see main.ts). Default: this process's script. */
  readonly workerEntry?: string;
  readonly log?: (line: string) => void;
}

export interface CaseResult {
  readonly workload: string;
  readonly contender: string;
  readonly size: number;
  readonly samples: readonly Sample[];
  /** Over successful samples only. */
  readonly rate: Spread | undefined;
  readonly peakRssBytes: number;
  readonly failures: number;
  readonly errors: number;
  /** Medians over successful samples of each percentile, for contenders that report latency. */
  readonly latencyMs?: LatencyPercentiles;
}

export interface PairRatio {
  readonly workload: string;
  readonly baseline: string;
  readonly peer: string;
  /** baseline median / peer median; undefined when the peer produced no rate. */
  readonly ratio: number | undefined;
  /**
   * Median over rounds of (baseline rate / peer rate) in the same round. Both ran minutes apart at most,
   * so this is the steadier figure when the machine's load drifts.
   */
  readonly pairedRatio: number | undefined;
}

export interface TargetResult {
  readonly workload: string;
  readonly contender: string;
  readonly atLeast?: number;
  readonly p99AtMostMs?: number;
  /** Median rate. */
  readonly measured: number | undefined;
  readonly p95AtMostMs?: number;
  /** Median p95 latency, when the target has a p95 bound. */
  readonly measuredP95Ms?: number | undefined;
  /** Median p99 latency, when the target has a latency bound. */
  readonly measuredP99Ms?: number | undefined;
  readonly peakRssAtMostBytes?: number;
  /** Peak RSS in bytes, when the target has a memory bound. */
  readonly measuredPeakRssBytes?: number;
  readonly ratioToPeerAtLeast?: { readonly peer: string; readonly ratio: number };
  /** Ratio of medians against the peer, when the target has a ratio bound (undefined: the peer had no rate). */
  readonly measuredRatioToPeer?: number | undefined;
  readonly met: boolean;
}

export interface BenchmarkResult {
  readonly benchmark: string;
  readonly description: string;
  readonly unit: string;
  readonly baseline: string;
  readonly runs: number;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly workloads: readonly { readonly name: string; readonly description: string; readonly baseline: string }[];
  readonly contenders: readonly { readonly name: string; readonly description: string }[];
  readonly cases: readonly CaseResult[];
  readonly ratios: readonly PairRatio[];
  readonly targets: readonly TargetResult[];
}

interface Case extends CaseSpec {
  readonly timeoutMs: number;
}

export async function runBenchmark(benchmark: Benchmark, options: RunnerOptions): Promise<BenchmarkResult> {
  const startedAt = new Date().toISOString();
  const log = options.log ?? (() => undefined);
  const timeoutMs = benchmark.runTimeoutMs?.(options.quick) ?? (options.quick ? 30_000 : 120_000);
  await benchmark.preflight?.();
  const cases: Case[] = benchmark.workloads.flatMap((w) =>
    benchmark.contenders
      .filter((c) => c.supports?.(w.name) ?? true)
      .map((c) => {
        const size = w.size(c.name, options.quick);
        const warmupSize = c.warmup === false ? 0 : warmupSizeFor(size);
        return { benchmark: benchmark.name, workload: w.name, contender: c.name, size, warmupSize, timeoutMs };
      }),
  );
  const samples = new Map<Case, Sample[]>(cases.map((c) => [c, []]));
  // Rounds interleave the contenders and rotate who goes first, so drift on a shared machine (other
  // load, disk cache, thermal) spreads over all of them instead of favouring one.
  for (let round = 0; round < options.runs; round++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + round) % cases.length]!;
      const sample = await measure(benchmark, c, options);
      samples.get(c)!.push(sample);
      const status = sample.failure ?? `${formatNumber(sample.rate)} ${benchmark.unit}${sample.errors > 0 ? ` (${sample.errors} errors)` : ''}`;
      log(`[${benchmark.name}] run ${round + 1}/${options.runs} ${c.workload} / ${c.contender} (${c.size}): ${status}`);
    }
  }
  const results: CaseResult[] = cases.map((c) => {
    const all = samples.get(c)!;
    const ok = all.filter((s) => s.failure === undefined);
    const latencyMs = medianLatency(ok);
    return {
      workload: c.workload,
      contender: c.contender,
      size: c.size,
      samples: all,
      rate: spread(ok.map((s) => s.rate)),
      peakRssBytes: Math.max(0, ...all.map((s) => s.peakRssBytes)),
      failures: all.length - ok.length,
      errors: all.reduce((n, s) => n + s.errors, 0),
      ...(latencyMs === undefined ? {} : { latencyMs }),
    };
  });
  const find = (workload: string, contender: string) => results.find((r) => r.workload === workload && r.contender === contender);
  const ratios: PairRatio[] = benchmark.workloads.flatMap((w) => {
    const baseline = w.baseline ?? benchmark.baseline;
    const base = find(w.name, baseline);
    if (base === undefined) return [];
    return results
      .filter((r) => r.workload === w.name && r.contender !== baseline)
      .map((r) => ({
        workload: w.name,
        baseline,
        peer: r.contender,
        ratio: ratio(base.rate?.median, r.rate?.median),
        pairedRatio: pairedRatio(base.samples, r.samples),
      }));
  });
  // A target whose case did not run (a contender that skips the workload, a workload left out of this run)
  // says nothing either way: it is left out rather than reported as not met.
  const targets: TargetResult[] = (benchmark.targets ?? []).flatMap((t) => {
    const found = find(t.workload, t.contender);
    if (found === undefined) return [];
    const measured = found.rate?.median;
    const within = (bound: number | undefined, value: number | undefined): boolean => bound === undefined || (value !== undefined && value <= bound);
    const measuredP99Ms = found.latencyMs?.p99;
    const measuredP95Ms = found.latencyMs?.p95;
    const measuredPeakRssBytes = found.peakRssBytes;
    const peer = t.ratioToPeerAtLeast === undefined ? undefined : find(t.workload, t.ratioToPeerAtLeast.peer)?.rate?.median;
    const measuredRatioToPeer = t.ratioToPeerAtLeast === undefined ? undefined : ratio(measured, peer);
    const met =
      (t.atLeast === undefined ? measured !== undefined : measured !== undefined && measured >= t.atLeast) &&
      within(t.p99AtMostMs, measuredP99Ms) &&
      within(t.p95AtMostMs, measuredP95Ms) &&
      within(t.peakRssAtMostBytes, measuredPeakRssBytes) &&
      (t.ratioToPeerAtLeast === undefined || (measuredRatioToPeer !== undefined && measuredRatioToPeer >= t.ratioToPeerAtLeast.ratio));
    return [
      {
        ...t,
        measured,
        ...(t.p99AtMostMs === undefined ? {} : { measuredP99Ms }),
        ...(t.p95AtMostMs === undefined ? {} : { measuredP95Ms }),
        ...(t.peakRssAtMostBytes === undefined ? {} : { measuredPeakRssBytes }),
        ...(t.ratioToPeerAtLeast === undefined ? {} : { measuredRatioToPeer }),
        met,
      },
    ];
  });
  return {
    benchmark: benchmark.name,
    description: benchmark.description,
    unit: benchmark.unit,
    baseline: benchmark.baseline,
    runs: options.runs,
    quick: options.quick,
    startedAt,
    finishedAt: new Date().toISOString(),
    workloads: benchmark.workloads.map(({ name, description, baseline }) => ({ name, description, baseline: baseline ?? benchmark.baseline })),
    contenders: benchmark.contenders.map(({ name, description }) => ({ name, description })),
    cases: results,
    ratios,
    targets,
  };
}

function pairedRatio(base: readonly Sample[], peer: readonly Sample[]): number | undefined {
  const perRound = base.flatMap((b, i) => {
    const p = peer[i];
    const r = p === undefined || b.failure !== undefined || p.failure !== undefined ? undefined : ratio(b.rate, p.rate);
    return r === undefined ? [] : [r];
  });
  return spread(perRound)?.median;
}

function medianLatency(samples: readonly Sample[]): LatencyPercentiles | undefined {
  const p50 = spread(samples.flatMap((s) => (s.latencyMs === undefined ? [] : [s.latencyMs.p50])))?.median;
  const p99 = spread(samples.flatMap((s) => (s.latencyMs === undefined ? [] : [s.latencyMs.p99])))?.median;
  const p95 = spread(samples.flatMap((s) => (s.latencyMs?.p95 === undefined ? [] : [s.latencyMs.p95])))?.median;
  return p50 === undefined || p99 === undefined ? undefined : { p50, ...(p95 === undefined ? {} : { p95 }), p99 };
}

const warmupSizeFor = (size: number): number => Math.min(size, Math.max(20, Math.ceil(size / 20)));

async function measure(benchmark: Benchmark, c: Case, options: RunnerOptions): Promise<Sample> {
  const { timeoutMs, ...spec } = c;
  if (options.isolation === 'inline') {
    try {
      return await runCase(benchmark, spec);
    } catch (error) {
      return failed(`${(error as Error).message}`);
    }
  }
  return inChildProcess(spec, timeoutMs, options.workerEntry ?? process.argv[1]!);
}

const failed = (failure: string, peakRssBytes = 0): Sample => ({ operations: 0, errors: 0, elapsedMs: 0, rate: 0, peakRssBytes, failure });

/** Message a worker sends back over IPC. */
export type WorkerReply = { readonly sample: Sample } | { readonly error: string };

function inChildProcess(spec: CaseSpec, timeoutMs: number, entry: string): Promise<Sample> {
  return new Promise((resolve) => {
    const child = fork(entry, ['__worker', JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    let output = '';
    const keepTail = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-2_000); // peers may log a lot; keep the end for diagnosis
    };
    child.stdout?.on('data', keepTail);
    child.stderr?.on('data', keepTail);
    let reply: WorkerReply | undefined;
    child.on('message', (m) => (reply = m as WorkerReply));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (reply !== undefined && 'sample' in reply) resolve(reply.sample);
      else if (reply !== undefined) resolve(failed(reply.error));
      else if (signal === 'SIGKILL') resolve(failed(`timed out after ${Math.round(timeoutMs / 1000)} s`));
      else resolve(failed(`worker exited (${signal ?? code}) without a result: ${output.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** The worker side: run one case and report it to the parent. */
export async function workerMain(benchmarks: readonly Benchmark[], specJson: string): Promise<void> {
  const spec = JSON.parse(specJson) as CaseSpec;
  let reply: WorkerReply;
  try {
    const benchmark = benchmarks.find((b) => b.name === spec.benchmark);
    if (benchmark === undefined) throw new Error(`Unknown benchmark ${spec.benchmark}`);
    reply = { sample: await runCase(benchmark, spec) };
  } catch (error) {
    reply = { error: (error as Error).stack ?? String(error) };
  }
  await new Promise<void>((resolve) => process.send!(reply, () => resolve()));
  // Peers may leave handles (timers, connections) open: the result is sent, so end here.
  process.exit(0);
}

export const formatNumber = (n: number): string =>
  n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
