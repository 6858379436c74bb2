// Worker-thread entry: protects one report off the service's event loop (see protect-off-thread.ts).
import { parentPort } from 'node:worker_threads';
import { protectReport } from '@npo/analytics-reports';
import type { ProtectionRequest, ProtectionResponse } from './protect-off-thread.js';
import { carryError } from './worker-errors.js';

parentPort?.once('message', (request: ProtectionRequest) => {
  const reply = (response: ProtectionResponse): void => parentPort?.postMessage(response);
  protectReport(request.input, request.options).then(
    (report) => reply({ ok: true, report }),
    (error: unknown) => reply({ ok: false, error: carryError(error) }),
  );
});
