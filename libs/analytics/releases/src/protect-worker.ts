// Worker-thread entry: protects parts of releases off the service's event loop (see protect-off-thread.ts
// and warm-protector.ts). A release's workers get one request each; the warm worker gets many, one at a time.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { protectReleasePart } from '@npo/privacy';
import { type PartRequest, partRequestOf, type SharedPartRequest } from './part-request.js';
import type { PartResponse } from './protect-off-thread.js';
import { carryError } from './worker-errors.js';

const { priority } = (workerData ?? {}) as { priority?: number };
// Linux only: there pid 0 is this thread alone (the nice value is per thread) and the service's own threads
// keep theirs. Elsewhere the call lowers the whole process, for good (an unprivileged process cannot raise it).
if (priority !== undefined && process.platform === 'linux') {
  try {
    setPriority(priority);
  } catch {
    // Where a thread's priority cannot be changed, the release only competes on equal terms.
  }
}

parentPort?.on('message', (message: PartRequest | SharedPartRequest) => {
  const reply = (response: PartResponse): void => parentPort?.postMessage(response);
  partRequestOf(message).then(
    (request) => protectReleasePart(request.input, request.options, request.part),
  ).then(
    (part) => reply({ ok: true, part }),
    (error: unknown) => reply({ ok: false, error: carryError(error) }),
  );
});
