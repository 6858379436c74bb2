import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { protectReport, type ProtectedReport, type ReportInput } from '@npo/analytics-reports';
import type { DisclosureOverrides, PriorRelease } from '@npo/privacy';
import { type CarriedError, reviveError } from './worker-errors.js';

export interface ProtectionRequest {
  readonly input: ReportInput;
  readonly options: { readonly priorReleases?: readonly PriorRelease[]; readonly parameters?: DisclosureOverrides };
}

export type ProtectionResponse = { readonly ok: true; readonly report: ProtectedReport } | { readonly ok: false; readonly error: CarriedError };

const workerEntry = new URL('./protect-worker.js', import.meta.url);
// Looked up once: the compiled entry exists next to this file in a build and never appears later.
const compiled = existsSync(fileURLToPath(workerEntry));

/**
 * Runs the disclosure control in a worker thread. It is synchronous CPU work (HiGHS) that takes seconds on
 * the demo world and a quarter of an hour on the national one; on the service's own thread it would stop
 * every other request, health checks and the projector included, for that long.
 * Run from TypeScript sources (the unit tests) there is no compiled worker entry to start, and the same
 * computation runs in-process.
 */
export function protectOffThread(request: ProtectionRequest): Promise<ProtectedReport> {
  if (!compiled) return protectReport(request.input, request.options);
  return new Promise<ProtectedReport>((resolve, reject) => {
    const worker = new Worker(workerEntry);
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      outcome();
      void worker.terminate();
    };
    worker.once('message', (response: ProtectionResponse) => settle(() => (response.ok ? resolve(response.report) : reject(reviveError(response.error)))));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`protection worker exited with code ${code} before answering`))));
    worker.postMessage(request);
  });
}
