import { ConfigError, loadConfigOrExit } from '@npo/platform';
import { startAnalytics } from './start-analytics.js';

const config = loadConfigOrExit(process.env);
// Nest's own shutdown hooks close only the HTTP app; the projector (and its Kafka consumer, which must
// leave its group so a restarted instance is assigned at once) lives in the runtime, so close both.
let analytics;
try {
  analytics = await startAnalytics(config, { shutdownHooks: false });
} catch (error) {
  // A bad feed variable (read when the feed is made), a port in use, a store that cannot be opened:
  // say which and exit non-zero, instead of an unhandled rejection's stack trace.
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\nSee libs/platform/README.md and libs/analytics/kafka-feed/README.md for the variables.\n`);
  else process.stderr.write(`analytics could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    analytics.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`analytics: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}
process.stdout.write(`analytics listening on ${analytics.url} (reports: ${analytics.url}/v1/reports/national)\n`);
