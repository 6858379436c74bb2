import { projectConfig } from '../../vitest.shared.js';

// The demo world through the built school API as a child process (`npm run e2e` / Nx target `e2e`,
// which builds this project and the API first).
export default projectConfig({ include: ['test/**/*.e2e.spec.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 180_000 });
