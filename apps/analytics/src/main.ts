import { loadConfigOrExit } from '@npo/platform';
import { startAnalytics } from './start-analytics.js';

const config = loadConfigOrExit(process.env);
// Nest's own shutdown hooks close only the HTTP app; the projector (and its Kafka consumer, which must
// leave its group so a restarted instance is assigned at once) lives in the runtime, so close both.
const analytics = await startAnalytics(config, { shutdownHooks: false });
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
