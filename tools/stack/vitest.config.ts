import { projectConfig } from '../../vitest.shared.js';

// Unit specs, including the docker-compose.yml check; the multi-process tier runs from vitest.e2e.config.ts.
export default projectConfig({ include: ['src/**/*.spec.ts'] });
