// Worker-thread entry: protects one part of a release off the service's event loop (see protect-off-thread.ts).
import { parentPort } from 'node:worker_threads';
import { protectReleasePart } from '@npo/privacy';
import type { PartRequest, PartResponse } from './protect-off-thread.js';
import { carryError } from './worker-errors.js';

parentPort?.once('message', (request: PartRequest) => {
  const reply = (response: PartResponse): void => parentPort?.postMessage(response);
  protectReleasePart(request.input, request.options, request.part).then(
    (part) => reply({ ok: true, part }),
    (error: unknown) => reply({ ok: false, error: carryError(error) }),
  );
});
