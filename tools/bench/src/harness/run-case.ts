import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark, LatencyPercentiles } from './benchmark.js';

/** One measured run of one contender on one workload. */
export interface CaseSpec {
  readonly benchmark: string;
  readonly workload: string;
  readonly contender: string;
  readonly size: number;
  /** Operations of an untimed run first, in the same process, so the timed one runs on warm code. */
  readonly warmupSize: number;
}

export interface Sample {
  readonly operations: number;
  readonly errors: number;
  readonly elapsedMs: number;
  /** operations / second; 0 for a failed run. */
  readonly rate: number;
  /** Peak resident set size of the process that ran it (includes the warm-up), or the one the contender reported. */
  readonly peakRssBytes: number;
  readonly firstError?: string;
  readonly latencyMs?: LatencyPercentiles;
  /** Set when the run produced no usable number (crash, timeout, verification mismatch). */
  readonly failure?: string;
}

export async function runCase(benchmark: Benchmark, spec: CaseSpec): Promise<Sample> {
  const contender = benchmark.contenders.find((c) => c.name === spec.contender);
  if (contender === undefined) throw new Error(`Unknown contender ${spec.contender} in ${benchmark.name}`);
  const root = await mkdtemp(join(tmpdir(), `npo-bench-${benchmark.name}-`));
  try {
    if (spec.warmupSize > 0) {
      const dir = join(root, 'warmup');
      await mkdir(dir);
      const warm = await contender.prepare(spec.workload, { dir, size: spec.warmupSize });
      try {
        await warm.run();
      } finally {
        await warm.dispose();
      }
    }
    const dir = join(root, 'run');
    await mkdir(dir);
    const prepared = await contender.prepare(spec.workload, { dir, size: spec.size });
    try {
      (globalThis as { gc?: () => void }).gc?.();
      const started = performance.now();
      const outcome = await prepared.run();
      const elapsedMs = outcome.elapsedMs ?? performance.now() - started;
      const stored = prepared.verify === undefined ? undefined : await prepared.verify();
      const errors = outcome.errors ?? 0;
      const failure =
        stored !== undefined && stored !== outcome.operations
          ? `verification: ${stored} operations stored, ${outcome.operations} reported`
          : undefined;
      return {
        operations: outcome.operations,
        errors,
        elapsedMs,
        rate: failure === undefined && elapsedMs > 0 ? (outcome.operations * 1000) / elapsedMs : 0,
        peakRssBytes: outcome.peakRssBytes ?? peakRssBytes(),
        ...(outcome.firstError === undefined ? {} : { firstError: outcome.firstError }),
        ...(outcome.latencyMs === undefined ? {} : { latencyMs: outcome.latencyMs }),
        ...(failure === undefined ? {} : { failure }),
      };
    } finally {
      await prepared.dispose();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** getrusage's ru_maxrss: the high-water mark of this process, in kilobytes on Linux. */
export const peakRssBytes = (): number => process.resourceUsage().maxRSS * 1024;
