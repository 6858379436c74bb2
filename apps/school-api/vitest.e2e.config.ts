import { projectConfig } from '../../vitest.shared.js';

// Real HTTP on ephemeral ports, real SQLite files in temp dirs, and the built API as a child process
// (crash test): `npm run e2e` (Nx target `e2e`, which builds first). One file at a time: the machine
// has two cores and the concurrency tests should compete with each other no more than they must.
export default projectConfig({
  include: ['test/**/*.e2e.spec.ts'],
  fileParallelism: false,
  testTimeout: 120_000,
  hookTimeout: 120_000,
});
