import { setTimeout as sleep } from 'node:timers/promises';
import type { ExternalOffsetStore, ReceivedBatch } from '../src/index.js';

/**
 * Stands in for the analytics database: `apply` writes a batch's facts and its next offset in one
 * step (one synchronous call, so nothing can interleave), like one DuckDB transaction would.
 * Every application of a message is counted, so a message processed twice shows.
 */
export class MemoryOffsetStore implements ExternalOffsetStore {
  readonly offsets = new Map<string, bigint>();
  readonly applied = new Map<string, number>();
  lookups = 0;

  /** A slow lookup lets the client's first fetch (from Kafka's offsets) arrive before the stored ones. */
  constructor(private readonly lookupDelayMs = 5) {}

  async committedOffsets(topic: string, partitions: readonly number[]): Promise<ReadonlyMap<number, bigint>> {
    this.lookups++;
    await sleep(this.lookupDelayMs);
    const found = new Map<number, bigint>();
    for (const p of partitions) {
      const o = this.offsets.get(`${topic}/${p}`);
      if (o !== undefined) found.set(p, o);
    }
    return found;
  }

  apply(batch: ReceivedBatch, idOf: (value: string) => string = (v) => v): void {
    for (const m of batch.messages) {
      const id = idOf(m.value?.toString() ?? '');
      this.applied.set(id, (this.applied.get(id) ?? 0) + 1);
    }
    this.offsets.set(`${batch.topic}/${batch.partition}`, batch.nextOffset);
  }

  set(topic: string, partition: number, next: bigint): void {
    this.offsets.set(`${topic}/${partition}`, next);
  }

  duplicates(): string[] {
    return [...this.applied].filter(([, n]) => n > 1).map(([id]) => id);
  }
}
