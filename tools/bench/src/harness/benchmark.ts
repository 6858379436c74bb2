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
  /** A run still going after this is killed and recorded as failed. Default 120 s (30 s with --quick). */
  readonly runTimeoutMs?: (quick: boolean) => number;
}

export interface Workload {
  readonly name: string;
  readonly description: string;
  /** Operations per run for a contender; slow peers may get fewer (the rate is what is compared). */
  size(contender: string, quick: boolean): number;
}

export interface Contender {
  readonly name: string;
  readonly description: string;
  /** Set-up for one run in a fresh directory; `supports` lets a contender skip a workload. */
  prepare(workload: string, context: RunContext): Promise<PreparedRun>;
  supports?(workload: string): boolean;
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
}

export interface Target {
  readonly workload: string;
  readonly contender: string;
  /** Minimum median rate, in the benchmark's unit. */
  readonly atLeast: number;
}
