import type { AnalyticsDatabase } from '../db/analytics-database.js';
import { type Checkpoint, type EventFeed, hasReached } from '../feed/event-feed.port.js';
import type { BatchResult } from './batch-writer.js';
import { readCheckpoint } from './checkpoint-store.js';
import { runProjector } from './projector.js';

export interface LiveProjectionStatus {
  readonly running: boolean;
  readonly generation: number;
  readonly checkpoint: Checkpoint;
  readonly applied: number;
  readonly quarantined: number;
  readonly duplicates: number;
  readonly lastBatchAt: string | null;
  readonly lastError: string | null;
  readonly restarts: number;
}

export interface LiveProjectionOptions {
  readonly db: AnalyticsDatabase;
  readonly feed: EventFeed;
  readonly maxBatchSize?: number;
  readonly clock?: () => Date;
  /** Wait before restarting after a failure; doubles up to 30 s. Default 500 ms. */
  readonly retryDelayMs?: number;
  readonly onBatch?: (result: BatchResult, generation: number) => void;
  readonly onError?: (error: unknown) => void;
}

/**
 * The service's projector: follows the feed into the live generation, restarts with a back-off when
 * a batch fails (the batch was rolled back, so nothing is lost), and moves to a new generation when a
 * rebuild is swapped in — it stops on the old file first, so at most one projector writes at a time.
 */
export class LiveProjection {
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #restart: AbortController | undefined;
  #unsubscribe: (() => void) | undefined;
  #status: LiveProjectionStatus;
  readonly #waiters: { target: Checkpoint; resolve: () => void }[] = [];

  constructor(private readonly options: LiveProjectionOptions) {
    this.#status = {
      running: false,
      generation: options.db.generation,
      checkpoint: new Map(),
      applied: 0,
      quarantined: 0,
      duplicates: 0,
      lastBatchAt: null,
      lastError: null,
      restarts: 0,
    };
  }

  get status(): LiveProjectionStatus {
    return this.#status;
  }

  start(): void {
    if (this.#loop !== undefined) return;
    this.#stop = new AbortController();
    // A switch to a new generation ends the current run; the loop starts again on the new file.
    this.#unsubscribe = this.options.db.onSwitch(() => this.#restart?.abort());
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#restart?.abort();
    this.#unsubscribe?.();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Resolves once the checkpoint has reached `target` (tests, start-up readiness). */
  caughtUp(target: Checkpoint): Promise<void> {
    if (hasReached(this.#status.checkpoint, target)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ target, resolve }));
  }

  async #run(): Promise<void> {
    let delay = this.options.retryDelayMs ?? 500;
    while (!this.#stop.signal.aborted) {
      this.#restart = new AbortController();
      const signal = AbortSignal.any([this.#stop.signal, this.#restart.signal]);
      let lease;
      try {
        lease = await this.options.db.lease();
        this.#status = { ...this.#status, running: true, generation: lease.generation, checkpoint: await readCheckpoint(lease.conn, this.options.feed.name) };
        this.#notify();
        const generation = lease.generation;
        await runProjector(lease.conn, {
          feed: this.options.feed,
          signal,
          ...(this.options.maxBatchSize === undefined ? {} : { maxBatchSize: this.options.maxBatchSize }),
          ...(this.options.clock === undefined ? {} : { clock: this.options.clock }),
          onBatch: (result, checkpoint) => {
            const s = this.#status;
            this.#status = {
              ...s,
              checkpoint: new Map(checkpoint),
              applied: s.applied + result.applied,
              quarantined: s.quarantined + result.quarantined,
              duplicates: s.duplicates + result.duplicates,
              lastBatchAt: (this.options.clock?.() ?? new Date()).toISOString(),
              lastError: null,
            };
            delay = this.options.retryDelayMs ?? 500;
            this.options.onBatch?.(result, generation);
            this.#notify();
          },
        });
      } catch (error) {
        this.#status = { ...this.#status, lastError: error instanceof Error ? error.message : String(error), restarts: this.#status.restarts + 1 };
        this.options.onError?.(error);
        await sleep(delay, this.#stop.signal);
        delay = Math.min(delay * 2, 30_000);
      } finally {
        lease?.release();
        this.#status = { ...this.#status, running: false };
      }
    }
  }

  #notify(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i];
      if (w !== undefined && hasReached(this.#status.checkpoint, w.target)) {
        this.#waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
