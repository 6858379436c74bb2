import type { DuckDBConnection } from '@duckdb/node-api';
import { type Checkpoint, type EventFeed, type FeedBatch, hasReached } from '../feed/event-feed.port.js';
import { createStaging } from '../schema/create-schema.js';
import { type BatchHooks, type BatchResult, BatchWriter, type RebuildWriting } from './batch-writer.js';
import { readCheckpoint } from './checkpoint-store.js';
import { applyDeferredCloses, createDeferredCloses } from './deferred-closes.js';
import { OpenIntervals } from './open-intervals.js';
import { StreamHeads } from './stream-heads.js';

/**
 * Entries per batch (= transaction) of a live projector. Every transaction pays a fixed ~20 ms (COMMIT
 * through DuckDB's WAL, the stream-head upsert, the checkpoint row); at 20,000 that is ~1 µs an event.
 * Measured on 200,000 bench envelopes (2 cores): 5,000 -> 52-60k events/s from memory, 26-30k from Kafka;
 * 20,000 -> 67-70k and 32-36k; 50,000 gains nothing more from Kafka. Only a backlog fills a batch, so the
 * latency of a steady trickle does not change.
 */
export const DEFAULT_PROJECTOR_BATCH = 20_000;

export interface ProjectorOptions {
  readonly feed: EventFeed;
  /** Largest batch (= transaction). Default DEFAULT_PROJECTOR_BATCH. */
  readonly maxBatchSize?: number;
  /** Stops following; the batch in progress is committed first. */
  readonly signal?: AbortSignal;
  /** Return once the checkpoint reaches this (rebuild, tests). Without it the projector follows the feed forever. */
  readonly until?: Checkpoint;
  readonly hooks?: BatchHooks;
  /** Source of `now` for bookkeeping columns. Default: the system clock. */
  readonly clock?: () => Date;
  readonly onBatch?: (result: BatchResult, checkpoint: Checkpoint) => void;
  /**
   * Rebuild only: rows of earlier batches are not ended batch by batch but once, when the projector
   * returns (an UPDATE per batch scans the whole table), the stream heads are written then too, and a
   * transaction spans many batches. Until then the file is not a valid model.
   */
  readonly rebuild?: RebuildWriting;
}

export interface ProjectionSummary {
  readonly batches: number;
  readonly applied: number;
  readonly quarantined: number;
  readonly duplicates: number;
  readonly checkpoint: Checkpoint;
}

/**
 * Follows a feed from the checkpoint stored in the file and writes each batch in one transaction.
 * The connection must be the only writer of the file.
 */
export async function runProjector(conn: DuckDBConnection, options: ProjectorOptions): Promise<ProjectionSummary> {
  const { feed } = options;
  const clock = options.clock ?? (() => new Date());
  await createStaging(conn);
  const rebuilding = options.rebuild !== undefined;
  const writer = new BatchWriter(conn, feed, await StreamHeads.load(conn), await OpenIntervals.load(conn), options.rebuild);
  const checkpoint = new Map(await readCheckpoint(conn, feed.name));
  const totals = { batches: 0, applied: 0, quarantined: 0, duplicates: 0 };
  const summary = (): ProjectionSummary => ({ ...totals, checkpoint: new Map(checkpoint) });
  if (options.until !== undefined && hasReached(checkpoint, options.until)) return summary();
  if (options.signal?.aborted) return summary();
  if (rebuilding) await createDeferredCloses(conn);

  // One controller so that reaching `until` and the caller's signal both end the feed's wait.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const iterator = feed.subscribe(checkpoint, { maxBatchSize: options.maxBatchSize ?? DEFAULT_PROJECTOR_BATCH, signal: stop.signal })[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<FeedBatch>> | undefined;
  try {
    for (;;) {
      const step = await (next ?? iterator.next());
      next = undefined;
      if (step.done === true) break;
      const batch = step.value;
      if (batch.entries.length === 0) continue;
      // A read-ahead feed reads the next batch on this thread while DuckDB commits this one on its own.
      const readAhead =
        feed.readAhead === true
          ? (): void => {
              next = iterator.next();
              // Marked handled now: it may fail while this batch still commits; the loop or `finally` sees it.
              next.catch(() => undefined);
            }
          : undefined;
      const result = await writer.write(batch, clock().toISOString(), options.hooks, readAhead);
      for (const [partition, offset] of result.offsets) checkpoint.set(partition, offset);
      totals.batches++;
      totals.applied += result.applied;
      totals.quarantined += result.quarantined;
      totals.duplicates += result.duplicates;
      options.onBatch?.(result, checkpoint);
      if (options.until !== undefined && hasReached(checkpoint, options.until)) break;
      if (stop.signal.aborted) break;
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    // A batch read ahead is dropped: it was not applied, the checkpoint says where to start again.
    if (next !== undefined) await next.catch(() => undefined);
    await iterator.return?.();
  }
  if (rebuilding) {
    await writer.finish();
    await applyDeferredCloses(conn, options.rebuild);
  }
  return summary();
}
