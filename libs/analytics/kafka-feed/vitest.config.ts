import { projectConfig } from '../../../vitest.shared.js';

// The integration tests run against a real broker (started, if needed, by the global setup) and spawn
// the built relay; one file at a time on a two-core machine.
export default projectConfig({ globalSetup: ['./test/global-setup.ts'], testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false });
