import type { DuckDBConnection } from '@duckdb/node-api';
import { toNumber } from '../db/sql.js';

/**
 * The last applied streamPosition per stream, cached in memory (one row per school and gemeente, a few
 * thousand) and persisted with every batch. A batch works on a draft; only a committed batch's draft
 * becomes the cache, so a rolled-back batch leaves no trace.
 */
export class StreamHeads {
  readonly #committed: Map<string, number>;

  private constructor(heads: Map<string, number>) {
    this.#committed = heads;
  }

  static async load(conn: DuckDBConnection): Promise<StreamHeads> {
    const reader = await conn.runAndReadAll('SELECT stream_id, stream_position FROM stream_head');
    return new StreamHeads(new Map(reader.getRows().map(([id, pos]) => [String(id), toNumber(pos)])));
  }

  draft(): StreamHeadsDraft {
    return new StreamHeadsDraft(this.#committed);
  }

  commit(draft: StreamHeadsDraft): void {
    for (const [id, pos] of draft.changes) this.#committed.set(id, pos);
  }

  all(): ReadonlyMap<string, number> {
    return this.#committed;
  }

  get size(): number {
    return this.#committed.size;
  }
}

export class StreamHeadsDraft {
  readonly changes = new Map<string, number>();
  constructor(private readonly base: ReadonlyMap<string, number>) {}

  /** True when the event at this position was applied already (the feed delivered it again). */
  seen(streamId: string, streamPosition: number): boolean {
    const head = this.changes.get(streamId) ?? this.base.get(streamId);
    return head !== undefined && streamPosition <= head;
  }

  advance(streamId: string, streamPosition: number): void {
    this.changes.set(streamId, streamPosition);
  }
}
