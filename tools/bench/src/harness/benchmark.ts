/**
 * A benchmark compares contenders (our code and its peers) on the same workloads, in the same run.
 * The harness times only `PreparedRun.run`, so set-up (files, schemas, fixture data) is not measured.
 */
export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** What `operations` counts, per second: "events/s". */
  readonly unit: string;
  /** Contender every other one is compared with (ratio = baseline / peer). */
  readonly baseline: string;
  readonly workloads: readonly Workload[];
  readonly contenders: readonly Contender[];
  readonly targets?: readonly Target[];
  /**
   * Name of the results file (`<name>.json`) when it depends on how the benchmark is run, so a variant
   * (e.g. national scale) does not overwrite the default run's results. Default: `name`.
   */
  resultsName?(): string;
  /** A run still going after this is killed and recorded as failed. Default 120 s (30 s with --quick). */
  readonly runTimeoutMs?: (quick: boolean) => number;
  /**
   * Checked once before any run (e.g. that a server the contenders need is reachable); a rejection
   * aborts the benchmark with its message instead of recording every run as failed.
   */
  preflight?(): Promise<void>;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Operations per run for a contender; slow peers may get fewer (the rate is what is compared). */
  size(contender: string, quick: boolean): number;
  /** The contender this workload's peers are compared with, when not the benchmark's `baseline`. */
  readonly baseline?: string;
}

export interface Contender {
  readonly name: string;
  readonly description: string;
  /** Set-up for one run in a fresh directory; `supports` lets a contender skip a workload. */
  prepare(workload: string, context: RunContext): Promise<PreparedRun>;
  supports?(workload: string): boolean;
  /**
   * Default true. False for a contender whose timed work runs in another process (a spawned server, a
   * JVM tool): a warm-up run in the worker would warm nothing and only cost time.
   */
  readonly warmup?: boolean;
}

export interface RunContext {
  /** A fresh, empty directory on the same disk for every run; removed afterwards. */
  readonly dir: string;
  /** Operations this run must perform. */
  readonly size: number;
}

export interface PreparedRun {
  /** The timed part. Returns how many operations succeeded and how many failed. */
  run(): Promise<RunOutcome>;
  /** Untimed check afterwards: how many operations are really stored (guards against a fast no-op). */
  verify?(): Promise<number>;
  dispose(): Promise<void>;
}

export interface RunOutcome {
  readonly operations: number;
  readonly errors?: number;
  /** First error message, when errors > 0. */
  readonly firstError?: string;
  /**
   * The contender's own timing of its work, replacing the harness's clock around `run()`: for peers
   * that report their own rate (a JVM tool, whose start-up is not the work) or a spawned process timed
   * from its ready line.
   */
  readonly elapsedMs?: number;
  /** Per-operation latency percentiles, for workloads that run at a fixed rate (the rate is then a check, latency the result). */
  readonly latencyMs?: LatencyPercentiles;
  /**
   * Peak RSS of the process that did the work, replacing the worker's own high-water mark: for a
   * contender that runs a program (a CLI) in a child process, whose memory the worker's does not include.
   */
  readonly peakRssBytes?: number;
}

export interface LatencyPercentiles {
  readonly p50: number;
  /** Optional: shown, and checked by `p95AtMostMs`, when a contender reports it. */
  readonly p95?: number;
  readonly p99: number;
}

export interface Target {
  readonly workload: string;
  readonly contender: string;
  /** Minimum median rate, in the benchmark's unit. */
  readonly atLeast?: number;
  /** Maximum median p99 latency in ms (workloads that report latency). */
  readonly p99AtMostMs?: number;
  /** Maximum median p95 latency in ms. */
  readonly p95AtMostMs?: number;
  /** Maximum peak RSS in bytes of the contender's runs (the highest over all its runs). */
  readonly peakRssAtMostBytes?: number;
  /** Minimum ratio of medians (this contender / `peer`) on the workload, e.g. 0.3 for "at least 0.3x the native rate". */
  readonly ratioToPeerAtLeast?: { readonly peer: string; readonly ratio: number };
}
