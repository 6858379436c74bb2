import { projectConfig } from '../../vitest.shared.js';

// The integration tests publish to a real broker, started (if needed) by the global setup.
export default projectConfig({ globalSetup: ['./test/global-setup.ts'], testTimeout: 120_000, fileParallelism: false });
