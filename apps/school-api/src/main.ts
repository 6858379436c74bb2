import { loadConfigOrExit } from '@npo/platform';
import { startSchoolApi } from './start-school-api.js';

const config = loadConfigOrExit(process.env);
const api = await startSchoolApi(config);
process.stdout.write(`school API listening on ${api.url} (docs: ${api.url}/docs)\n`);
