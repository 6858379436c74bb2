import { loadConfigOrExit } from '@npo/platform';
import { startAnalytics } from './start-analytics.js';

const config = loadConfigOrExit(process.env);
const analytics = await startAnalytics(config);
process.stdout.write(`analytics listening on ${analytics.url} (reports: ${analytics.url}/v1/reports/national)\n`);
