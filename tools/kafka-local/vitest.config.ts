import { projectConfig } from '../../vitest.shared.js';

// The broker tests start a JVM of their own: run files one after the other on a 2-core machine.
export default projectConfig({ fileParallelism: false, testTimeout: 120_000, hookTimeout: 180_000 });
