import { projectConfig } from '../../vitest.shared.js';

// The whole stack as processes (`npm run e2e` / Nx target `e2e`, which builds this tool and the three
// apps first): a broker of its own, school-api, event-relay and analytics, restarted one by one.
export default projectConfig({ include: ['test/**/*.e2e.spec.ts'], fileParallelism: false, testTimeout: 300_000, hookTimeout: 300_000 });
