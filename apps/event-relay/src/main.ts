import { ConfigError } from '@npo/platform';
import { loadRelayConfig } from './config/relay-config.js';
import { startRelay } from './start-relay.js';

let config;
try {
  config = loadRelayConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\nSee apps/event-relay/README.md for every variable and its default.\n`);
  process.exit(1);
}

let running;
try {
  running = await startRelay(config);
} catch (error) {
  // Another relay on this checkpoint, a port in use, a broker that cannot be reached, a topic of another
  // shape, a store that cannot be opened: say which, and exit non-zero so a supervisor retries, instead
  // of an unhandled rejection's stack trace.
  process.stderr.write(`event relay could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.stdout.write(`event relay: store -> Kafka topic ${config.topic.topic} (${config.brokers.join(',')}); metrics at ${running.url}/metrics\n`);

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: finishing the batch in flight\n`);
  running.close().then(
    (outcome) => process.exit(outcome === 'drained' ? 0 : 1),
    (error: unknown) => {
      process.stderr.write(`shutdown failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

// The loop ends by itself only on an unrecoverable error (the checkpoint cannot be written): exit
// non-zero so the supervisor restarts the relay, which resumes from the last saved checkpoint.
running.relay.done().catch((error: unknown) => {
  process.stderr.write(`relay failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
