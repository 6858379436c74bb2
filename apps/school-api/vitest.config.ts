import { projectConfig } from '../../vitest.shared.js';

// Unit specs only; the e2e tier (test/**/*.e2e.spec.ts) runs from vitest.e2e.config.ts after a build.
export default projectConfig({ include: ['src/**/*.spec.ts'] });
