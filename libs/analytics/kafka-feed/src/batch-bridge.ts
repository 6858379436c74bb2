import type { Checkpoint, FeedBatch, FeedEntry } from '@npo/analytics-model';

/** The feed stopped (the projector ended its iteration): a batch not yet taken by the projector is left for the next start. */
export class FeedClosedError extends Error {
  readonly code = 'KAFKA_FEED_CLOSED';
  constructor() {
    super('the Kafka feed was closed before the projector took this batch');
    this.name = 'FeedClosedError';
  }
}

interface Offered {
  readonly partition: number;
  readonly entries: readonly FeedEntry[];
  /** Entries handed to the projector so far. */
  taken: number;
  /** All taken, or (after a reassignment) given up: either way the consumer may fetch on. */
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/**
 * Joins the consumer, which pushes batches, to the projector, which pulls a batch, commits it, and only
 * then pulls the next. A pushed batch is released to the consumer once the projector has taken all of
 * it, so the client fetches the next one while DuckDB commits this one (~10-20% more events/s than
 * waiting for the COMMIT). The checkpoint kept here moves only when the projector acknowledges a
 * commit, so it is exactly the one in DuckDB, and it, not the client's own position, is what the
 * consumer seeks to on every assignment: what was fetched ahead and not committed is read again.
 */
export class BatchBridge {
  readonly #checkpoint: Map<number, number>;
  #queue: Offered[] = [];
  #inFlight: { readonly offered: Offered; readonly upTo: number }[] = [];
  #settled: Deferred | undefined;
  #wake: Deferred = deferred();
  #failure: Error | undefined;
  #closed = false;

  constructor(from: Checkpoint) {
    this.#checkpoint = new Map(from);
  }

  /** Offset of the last committed entry per partition. */
  get checkpoint(): Checkpoint {
    return this.#checkpoint;
  }

  /**
   * Consumer side: resolves once the projector took all of `entries` (or they were given up on a
   * reassignment); rejects when the bridge closes first. Entries at or below the checkpoint are dropped.
   */
  offer(partition: number, entries: readonly FeedEntry[]): Promise<void> {
    if (this.#closed) return Promise.reject(new FeedClosedError());
    const last = this.#checkpoint.get(partition) ?? -1;
    const fresh = entries.filter((e) => e.offset > last);
    if (fresh.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ partition, entries: fresh, taken: 0, resolve, reject });
      this.#wake.resolve();
    });
  }

  /**
   * The next offset per partition, for the consumer's seek after an assignment. Waits for a batch
   * the projector is committing, then gives up what it has not taken yet: that is read again from
   * the new position, so a partition never has two overlapping batches queued.
   */
  async nextOffsets(partitions: readonly number[]): Promise<ReadonlyMap<number, bigint>> {
    while (this.#settled !== undefined) await this.#settled.promise;
    // Nothing is in flight now: whatever is still queued (wholly or partly untaken) is given up. Its
    // handler returns without effects; the consumer drops it (its generation is over) and reads the
    // partition again from the offsets returned here. Failing it instead would make the client
    // retry and restart for what is a normal rebalance.
    for (const offered of this.#queue) offered.resolve();
    this.#queue = [];
    // A partition never applied starts at offset 0, not at the log start: if retention deleted the
    // beginning, the consumer refuses (StoredOffsetOutOfRangeError) instead of silently projecting a
    // history with a hole.
    return new Map(partitions.map((p) => [p, BigInt((this.#checkpoint.get(p) ?? -1) + 1)]));
  }

  /** Projector side: the next batch (at most `max` entries), or undefined when `signal` aborts or the bridge closes. */
  async take(max: number, signal: AbortSignal | undefined): Promise<FeedBatch | undefined> {
    if (this.#inFlight.length > 0) throw new Error('take() while a batch is in flight: acknowledge() it first');
    const onAbort = (): void => this.#wake.resolve();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        if (this.#failure !== undefined) throw this.#failure;
        if (this.#closed || signal?.aborted) return undefined;
        const batch = this.#assemble(max);
        if (batch !== undefined) return batch;
        this.#wake = deferred();
        await this.#wake.promise;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Projector side: the batch from the last take() is committed. */
  acknowledge(): void {
    for (const { offered, upTo } of this.#inFlight) {
      const last = offered.entries[upTo - 1];
      if (last !== undefined) this.#checkpoint.set(offered.partition, Math.max(this.#checkpoint.get(offered.partition) ?? -1, last.offset));
      if (upTo === offered.entries.length) this.#queue = this.#queue.filter((o) => o !== offered);
    }
    this.#inFlight = [];
    this.#settled?.resolve();
    this.#settled = undefined;
  }

  /** The consumer stopped on an error it cannot recover from: the projector's next take() throws it. */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#wake.resolve();
  }

  /** Ends the bridge: pending offers reject (nothing more is committed through it). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const offered of this.#queue) offered.reject(new FeedClosedError());
    this.#queue = [];
    this.#inFlight = [];
    this.#settled?.resolve();
    this.#settled = undefined;
    this.#wake.resolve();
  }

  #assemble(max: number): FeedBatch | undefined {
    const entries: FeedEntry[] = [];
    for (const offered of this.#queue) {
      if (entries.length >= max) break;
      if (offered.taken >= offered.entries.length) continue;
      const upTo = Math.min(offered.entries.length, offered.taken + (max - entries.length));
      for (let i = offered.taken; i < upTo; i++) entries.push(offered.entries[i]!);
      offered.taken = upTo;
      if (upTo === offered.entries.length) offered.resolve();
      this.#inFlight.push({ offered, upTo });
    }
    if (entries.length === 0) return undefined;
    this.#settled = deferred();
    return { entries };
  }
}
