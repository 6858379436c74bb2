import { loadConfigOrExit } from '@npo/platform';
import { startSchoolApi } from './start-school-api.js';

const config = loadConfigOrExit(process.env);
let api;
try {
  api = await startSchoolApi(config);
} catch (error) {
  // A port in use, a store or key that cannot be opened: say which and exit non-zero, as analytics and
  // the relay do, instead of an unhandled rejection's stack trace.
  process.stderr.write(`school API could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
process.stdout.write(`school API listening on ${api.url} (docs: ${api.url}/docs)\n`);
