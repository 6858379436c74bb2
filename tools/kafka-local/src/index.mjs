// Programmatic API of kafka-local, for integration tests and benchmarks. Types: index.d.mts.
export { start, stop, restart, reset, status, waitReady, javaCommand } from './broker.mjs';
export { resolveOptions } from './config.mjs';
export { KafkaLocalError } from './errors.mjs';
export { resolveJars, kafkaVersion } from './jars.mjs';
export { checkPrerequisites } from './prerequisites.mjs';
export { freePorts, threadStates } from './process-state.mjs';
