import type { Benchmark } from '../harness/benchmark.js';
import { analyticsRebuildBenchmark } from './analytics-rebuild/index.js';
import { analyticsReportsBenchmark } from './analytics-reports/index.js';
import { eventStoreBenchmark } from './event-store/index.js';
import { kafkaBenchmark } from './kafka/index.js';
import { schoolApiHttpBenchmark } from './school-api-http/index.js';
import { sqliteStreamVersionBenchmark } from './sqlite-stream-version/index.js';

/** Every benchmark `npm run bench` knows, in the order a full run executes them. */
export const benchmarks: readonly Benchmark[] = [eventStoreBenchmark, sqliteStreamVersionBenchmark, analyticsRebuildBenchmark, analyticsReportsBenchmark, kafkaBenchmark, schoolApiHttpBenchmark];
