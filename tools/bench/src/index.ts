// The harness, for benchmarks that live in other projects and for tests.
export type { Benchmark, Contender, PreparedRun, RunContext, RunOutcome, Target, Workload } from './harness/benchmark.js';
export { runBenchmark, type BenchmarkResult, type CaseResult, type PairRatio, type RunnerOptions } from './harness/runner.js';
export { describeMachine, toMarkdown, writeReport, type Report } from './harness/report.js';
export { spread, ratio } from './harness/stats.js';
export { benchmarks } from './benchmarks/registry.js';
