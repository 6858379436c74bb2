import { rm } from 'node:fs/promises';
import { createGenerationFile, type DuckDBSettings, openInstance } from '../db/analytics-database.js';
import { acquireRebuildLock, nextGeneration, removeOldGenerations, writePointer } from '../db/generation-files.js';
import { type Checkpoint, type EventFeed, remaining } from '../feed/event-feed.port.js';
import { type ProjectionSummary, runProjector } from '../projector/projector.js';
import type { SchemaOptions } from '../schema/create-schema.js';

/**
 * A few DuckDB row groups (122,880 rows) of the busiest tables per transaction: large enough that
 * DuckDB writes them to the file directly instead of through its WAL, small enough to bound what an
 * open transaction holds.
 */
export const REBUILD_COMMIT_EVERY = 250_000;

/**
 * Entries per batch of a rebuild. Its transactions span batches, so the live projector's reason for large
 * batches (fewer commits) does not apply; 20,000 was ~4% faster on 5M events and peaked 70 MB higher.
 */
export const REBUILD_BATCH = 5_000;

/**
 * DuckDB's memory limit for a rebuild (`npm run analytics -- rebuild`). A rebuild streams: appenders,
 * transactions of REBUILD_COMMIT_EVERY entries written straight to the file, and a closing pass that
 * works through the interval tables in buckets and chunks (see deferred-closes). More buffer pool only holds
 * more pages: on the 5,000,000-event benchmark store the CLI made 34.6k-36.3k events/s at 32MB, 64MB and
 * 256MB alike, while its peak RSS was 463, 514 and 723-759 MiB.
 */
export const REBUILD_MEMORY_LIMIT = '32MB';

export interface RebuildOptions {
  readonly dir: string;
  readonly feed: EventFeed;
  readonly clock?: () => Date;
  /** Reference options of the new file (code version, MR deadlines, extra gemeenten). */
  readonly schema?: Omit<SchemaOptions, 'createdAt'>;
  /** DuckDB settings of the new file's instance; `memory_limit` defaults to REBUILD_MEMORY_LIMIT. */
  readonly settings?: DuckDBSettings;
  /** Default REBUILD_BATCH. */
  readonly maxBatchSize?: number;
  /** Entries per transaction (default REBUILD_COMMIT_EVERY); batches of maxBatchSize are appended in between. */
  readonly commitEvery?: number;
  /** Positions per transaction when the rebuild ends its interval rows at the end (default CLOSE_CHUNK). */
  readonly closeChunk?: number;
  /** `done` of `total` feed positions replayed (positions, not events: the store's log may have gaps). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
}

export interface RebuildResult {
  readonly generation: number;
  readonly path: string;
  readonly target: Checkpoint;
  readonly projection: ProjectionSummary;
  readonly durationMs: number;
}

export class RebuildAbortedError extends Error {
  readonly code = 'analytics-rebuild-aborted' as const;
  constructor() {
    super('the rebuild was aborted before it reached the head of the feed; the live generation is unchanged');
    this.name = 'RebuildAbortedError';
  }
}

/**
 * Replays the whole feed into a new generation file, up to the head as it was when the rebuild started,
 * then swaps it in by renaming the pointer. Whoever serves the old generation keeps answering from it
 * until it follows the pointer (AnalyticsDatabase.refresh), and its projector then catches up the
 * events appended meanwhile from the new file's checkpoint.
 */
export async function rebuildAnalytics(options: RebuildOptions): Promise<RebuildResult> {
  const clock = options.clock ?? (() => new Date());
  const started = performance.now();
  const settings: DuckDBSettings = { memory_limit: REBUILD_MEMORY_LIMIT, ...options.settings };
  const release = await acquireRebuildLock(options.dir);
  try {
    const generation = await nextGeneration(options.dir);
    const path = await createGenerationFile(
      options.dir,
      generation,
      { ...options.schema, createdAt: clock().toISOString() },
      settings,
    );
    let projection: ProjectionSummary;
    const target = await options.feed.head();
    const total = remaining(new Map(), target);
    try {
      const instance = await openInstance(path, settings);
      try {
        const conn = await instance.connect();
        try {
          options.onProgress?.(0, total);
          projection = await runProjector(conn, {
            feed: options.feed,
            until: target,
            clock,
            rebuild: {
              commitEvery: options.commitEvery ?? REBUILD_COMMIT_EVERY,
              ...(options.closeChunk === undefined ? {} : { closeChunk: options.closeChunk }),
            },
            maxBatchSize: options.maxBatchSize ?? REBUILD_BATCH,
            ...(options.signal === undefined ? {} : { signal: options.signal }),
            onBatch: (_result, checkpoint) => options.onProgress?.(total - remaining(checkpoint, target), total),
          });
          if (options.signal?.aborted) throw new RebuildAbortedError();
          await conn.run('CHECKPOINT');
        } finally {
          conn.closeSync();
        }
      } finally {
        instance.closeSync();
      }
    } catch (error) {
      await rm(path, { force: true });
      await rm(`${path}.wal`, { force: true });
      throw error;
    }
    await writePointer(options.dir, generation, clock().toISOString());
    await removeOldGenerations(options.dir, generation);
    return { generation, path, target, projection, durationMs: performance.now() - started };
  } finally {
    await release();
  }
}
