import { projectConfig } from '../../vitest.shared.js';

// Unit and int specs; the e2e tier (test/**/*.e2e.spec.ts) runs from vitest.e2e.config.ts.
// The national-scale spec generates ~400k events; a larger young generation halves its GC time.
export default projectConfig({ include: ['src/**/*.spec.ts'], execArgv: ['--max-semi-space-size=128'] });
