/**
 * Where the projector gets events from. The store adapter follows the event store's global log (one
 * partition whose offsets are global positions); a Kafka adapter follows the topic's partitions (offsets
 * per partition). The projector stores the checkpoint in DuckDB in the same transaction as the facts,
 * so a feed never commits offsets itself.
 */

/** partition -> offset of the last entry applied. An absent partition starts from its beginning. */
export type Checkpoint = ReadonlyMap<number, number>;

export interface FeedEntry {
  readonly partition: number;
  readonly offset: number;
  /**
   * The event as the feed carries it: a RecordedEvent from the store, the parsed message value from
   * Kafka. Unknown on purpose: the projector decodes and validates it, and quarantines what fails.
   */
  readonly payload: unknown;
  /**
   * Set by a feed that could not read the entry itself (a Kafka message that is not JSON, or whose
   * headers or key contradict its value): the projector quarantines it with this reason.
   */
  readonly problem?: string;
}

export interface FeedBatch {
  /** In feed order; within a partition, offsets strictly increase. */
  readonly entries: readonly FeedEntry[];
}

export interface FeedSubscribeOptions {
  readonly maxBatchSize?: number;
  /** Ends the iteration without an error. */
  readonly signal?: AbortSignal;
}

export interface EventFeed {
  /** Stable name, the key of this feed's rows in `feed_checkpoint` (e.g. `store`, `kafka:npo.events.v1`). */
  readonly name: string;
  /** The store feed's payloads come from our own store: the projector may skip envelope validation. */
  readonly trusted: boolean;
  /**
   * The projector may ask for the next batch before the current one is committed (it reads ahead while
   * DuckDB commits). Only for a feed whose next() has no side effect on what counts as done: not the
   * Kafka feed, whose next() acknowledges the batch before.
   */
  readonly readAhead?: boolean;
  /** Catch-up then live: every entry after the checkpoint, in batches, waiting for more once caught up. */
  subscribe(from: Checkpoint, options?: FeedSubscribeOptions): AsyncIterable<FeedBatch>;
  /** The offset of the newest entry per partition right now (for "caught up" and progress). */
  head(): Promise<Checkpoint>;
}

/** True when `checkpoint` has reached `target` in every partition of the target. */
export function hasReached(checkpoint: Checkpoint, target: Checkpoint): boolean {
  for (const [partition, offset] of target) {
    if (offset < 0) continue;
    if ((checkpoint.get(partition) ?? -1) < offset) return false;
  }
  return true;
}

/** Entries still to apply before `checkpoint` reaches `target` (exact for dense offsets, an upper bound otherwise). */
export function remaining(checkpoint: Checkpoint, target: Checkpoint): number {
  let n = 0;
  for (const [partition, offset] of target) n += Math.max(0, offset - (checkpoint.get(partition) ?? -1));
  return n;
}
