export { Rng, derive, hashLabels } from './random/prng.js';
export * from './funding/funding-rules.js';
export { simScales, sectorGroupOf, type SimScale, type SectorGroup, type World, type School, type Gemeente, type Merger } from './world/world-types.js';
export { generateWorld, WorldOptionsError, type WorldOptions } from './world/generate-world.js';
export { codeBehaviour, participation, mrOutcomes, allRunning } from './behaviour/calibration.js';
export { expectedEffect, monthsFor } from './behaviour/effects.js';
export { methodOf, pathOf, authOf, actorOf, commandOf, streamIdOf, type ApiRequest, type ApiRequestKind, type RequestAuth } from './commands/api-request.js';
export {
  createSimulation,
  DEFAULT_STRESS_EVENTS,
  SimulationOptionsError,
  type Simulation,
  type SimulationOptions,
  type SimStep,
} from './pipeline/simulation.js';
export { SimulatedCommandRejectedError } from './pipeline/stream-validator.js';
export { writeToStore, writeBatches, StoreNotEmptyError, type StoreWriteOptions, type StoreWriteResult } from './targets/store-target.js';
export { storeBatches, type StoreBatch, type PendingAppend } from './targets/store-batches.js';
export {
  writeSimulationToStore,
  workerAvailable,
  GenerationWorkerError,
  type SimulationToStoreOptions,
  type SimulationToStoreResult,
} from './targets/simulation-to-store.js';
export { writeNdjson, requestLine, eventLines, ndjsonFormats, type NdjsonFormat, type NdjsonWriteOptions } from './targets/ndjson-target.js';
export { sendOverHttp, type HttpTargetOptions, type HttpRunResult, type HttpFailure, type TokenProvider } from './targets/http-target.js';
export { tokenProviderFromDataDir, type DataDirTokenOptions } from './targets/tokens.js';
export { seedDemo, DEMO_SEED, type SeedDemoResult } from './seed-demo.js';
