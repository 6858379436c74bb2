import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { protectReport, publishReport, type ProtectedReport, type ReportInput } from '@npo/analytics-reports';
import { combineReleaseParts, type ReleasePart } from '@npo/privacy';
import { withPriorFiles } from './prior-file.js';
import { type PartRequest, type ProtectionOptions, type SharedPartRequest, sharePayload } from './part-request.js';
import { type CarriedError, reviveError } from './worker-errors.js';

export type { PartRequest, ProtectionOptions, SharedPartRequest } from './part-request.js';

export interface ProtectionRequest {
  readonly input: ReportInput;
  readonly options: ProtectionOptions;
  /**
   * Earlier releases' prior knowledge as files (ReleaseStore.priorFiles), taken after options.priorReleases.
   * The workers read them themselves: parsed on the service's thread and copied to every worker, one
   * national prior stopped that thread for about two seconds at the start of a release.
   */
  readonly priorFiles?: readonly string[];
  /** Worker threads sharing the work (the release's connected components); 1 when omitted. */
  readonly threads?: number;
  /** Ends the workers at once (the service is stopping): the promise rejects, nothing is kept. */
  readonly signal?: AbortSignal;
}

export type PartResponse = { readonly ok: true; readonly part: ReleasePart } | { readonly ok: false; readonly error: CarriedError };

export const workerEntry = new URL('./protect-worker.js', import.meta.url);
// Looked up once: the compiled entry exists next to this file in a build and never appears later.
export const compiled = existsSync(fileURLToPath(workerEntry));

/**
 * A release's worker threads run at the lowest priority (nice 19, on Linux): a release is background work of minutes,
 * while ad-hoc views, report reads and the projector answer people now. On an idle machine it changes nothing.
 * (Nice 10 left views during a national release at p95 1.16-1.24 s, nice 19 at 0.99-1.11 s; README.)
 */
export const RELEASE_WORKER_PRIORITY = constants.priority.PRIORITY_LOW;

/**
 * Runs the disclosure control in worker threads, each protecting its share of the release's connected
 * components (school years and count/amount systems share no relation, so the shares are independent and
 * combine into exactly the release one thread would make). It is synchronous CPU work (HiGHS) that takes
 * seconds on the demo world and minutes on the national one; on the service's own thread it would stop
 * every other request, health checks and the projector included, for that long.
 * Run from TypeScript sources (the unit tests) there is no compiled worker entry to start, and the same
 * computation runs in-process.
 */
export async function protectOffThread(request: ProtectionRequest): Promise<ProtectedReport> {
  const priorFiles = request.priorFiles ?? [];
  if (!compiled) return protectReport(request.input, await withPriorFiles(request.options, priorFiles));
  const count = Math.max(1, Math.floor(request.threads ?? 1));
  const shared = await sharePayload({ input: request.input.release, options: request.options, priorFiles });
  const workers: Worker[] = [];
  // Minutes of LP work at national scale: a stopping service must not wait for it (its answer would be
  // thrown away anyway). A terminated worker rejects its part ("exited before answering").
  const stop = (): void => void Promise.all(workers.map((w) => w.terminate()));
  request.signal?.addEventListener('abort', stop, { once: true });
  try {
    request.signal?.throwIfAborted();
    const parts = await Promise.all(
      Array.from({ length: count }, (_, index) => {
        const worker = new Worker(workerEntry, { workerData: { priority: RELEASE_WORKER_PRIORITY } });
        workers.push(worker);
        return runPart(worker, { ...shared, part: { index, count } });
      }),
    );
    return publishReport(request.input, combineReleaseParts(request.input.release, request.options, parts));
  } finally {
    request.signal?.removeEventListener('abort', stop);
    // After the answer, or after the first failure: the other parts' work is no longer wanted.
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The worker thread failed or exited without answering (its answers, errors included, arrive as messages). */
export class ProtectionWorkerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProtectionWorkerError';
  }
}

/** Sends one part to a worker and waits for its answer; leaves no listener behind (a warm worker gets many). */
export function runPart(worker: Worker, request: PartRequest | SharedPartRequest): Promise<ReleasePart> {
  return new Promise<ReleasePart>((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (response: PartResponse): void => {
      done();
      if (response.ok) resolve(response.part);
      else reject(reviveError(response.error));
    };
    const onError = (error: Error): void => {
      done();
      reject(new ProtectionWorkerError(`protection worker failed: ${error.message}`, { cause: error }));
    };
    const onExit = (code: number): void => {
      done();
      reject(new ProtectionWorkerError(`protection worker exited with code ${code} before answering`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}
