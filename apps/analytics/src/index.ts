export { startAnalytics, type RunningAnalytics, type StartAnalyticsOptions } from './start-analytics.js';
export { AnalyticsRuntime, analyticsDir, releasesDir, schemaOptions } from './analytics-runtime.js';
export { runAnalyticsCli } from './cli.js';
