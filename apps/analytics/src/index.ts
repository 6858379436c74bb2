export { startAnalytics, type RunningAnalytics, type StartAnalyticsOptions } from './start-analytics.js';
export { AnalyticsRuntime } from './analytics-runtime.js';
export { analyticsDir, releasesDir, schemaOptions } from './analytics-paths.js';
export { runAnalyticsCli } from './cli.js';
