import { Worker } from 'node:worker_threads';
import { protectReport, publishReport, type ProtectedReport, type ReportInput } from '@npo/analytics-reports';
import { combineReleaseParts } from '@npo/privacy';
import { compiled, type ProtectionRequest, ProtectionWorkerError, runPart, workerEntry } from './protect-off-thread.js';

const DEFAULT_IDLE_MS = 5 * 60_000;

export interface WarmProtectorOptions {
  /** How long an idle worker is kept; default 5 minutes. */
  readonly idleMs?: number;
  /** The worker script; tests start one that fails on purpose. */
  readonly entry?: URL;
  /** Told of every failure of a worker, including one while it is idle, when no request hears of it. */
  readonly onWorkerError?: (error: Error) => void;
}

/**
 * One long-lived worker thread for small protections: the tables of one ad-hoc view. Starting a worker
 * and loading HiGHS costs 100-300 ms, more than protecting a national view once the worker runs, and the
 * work still stays off the service's event loop. Requests run one after another; a worker that fails or
 * sits idle ends, and the next request starts a new one.
 */
export class WarmProtector {
  #worker: Worker | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #idle: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(private readonly options: WarmProtectorOptions = {}) {}

  protect(request: Omit<ProtectionRequest, 'threads' | 'priorFiles'>): Promise<ProtectedReport> {
    const run = this.#queue.then(() => this.#protect(request.input, request.options));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#end();
  }

  async #protect(input: ReportInput, options: ProtectionRequest['options']): Promise<ProtectedReport> {
    if (this.#closed) throw new Error('the protector is closed');
    // From TypeScript sources (unit tests) there is no compiled worker entry: protect in-process.
    if (!compiled) return protectReport(input, options);
    clearTimeout(this.#idle);
    const worker = this.#start();
    try {
      const part = await runPart(worker, { input: input.release, options, part: { index: 0, count: 1 } });
      return publishReport(input, combineReleaseParts(input.release, options, [part]));
    } catch (error) {
      // Not an answer but a broken worker: let go of it now, so the next request in the queue starts another.
      if (error instanceof ProtectionWorkerError) await this.#drop(worker);
      throw error;
    } finally {
      if (this.#worker !== undefined) this.#idle = setTimeout(() => void this.#end(), this.options.idleMs ?? DEFAULT_IDLE_MS).unref();
    }
  }

  #start(): Worker {
    if (this.#worker === undefined) {
      const worker = new Worker(this.options.entry ?? workerEntry);
      // An idle worker must not keep the process alive.
      worker.unref();
      // Always listened to: a worker that fails while idle must not take the service down with an
      // unhandled 'error' (a request in flight hears of it through runPart as well).
      worker.on('error', (error) => {
        this.options.onWorkerError?.(error);
        void this.#drop(worker);
      });
      worker.once('exit', () => void this.#drop(worker));
      this.#worker = worker;
    }
    return this.#worker;
  }

  async #drop(worker: Worker): Promise<void> {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    clearTimeout(this.#idle);
    await worker.terminate();
  }

  async #end(): Promise<void> {
    clearTimeout(this.#idle);
    if (this.#worker !== undefined) await this.#drop(this.#worker);
  }
}
