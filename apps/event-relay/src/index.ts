export { CheckpointFile, CheckpointFileError, LOG_START } from './checkpoint/checkpoint-file.js';
export { CheckpointLock, RelayLockedError, type LockHolder } from './checkpoint/checkpoint-lock.js';
export { DEFAULT_EVENTS_TOPIC, DEFAULT_KAFKA_BROKERS, DEFAULT_RELAY_PORT, loadRelayConfig, relayEnvSchema, type RelayConfig } from './config/relay-config.js';
export { startStatusServer, type StatusServer, type StatusSource } from './http/status-server.js';
export { RelayMetrics, type RelayMetricsOptions } from './metrics/relay-metrics.js';
export { EventRelay, RelayCheckpointError, type EventRelayOptions, type RelayLog, type RelayLogLevel, type RelayState } from './relay/event-relay.js';
export { startRelay, type RunningRelay, type StartRelayOptions } from './start-relay.js';
