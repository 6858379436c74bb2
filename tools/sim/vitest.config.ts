import { projectConfig } from '../../vitest.shared.js';

// The national-scale spec generates ~400k events; a larger young generation halves its GC time.
export default projectConfig({ execArgv: ['--max-semi-space-size=128'] });
