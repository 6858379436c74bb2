import type { RecordedEvent } from '@npo/contracts';
import type { Checkpoint, EventFeed, FeedBatch, FeedEntry } from '../feed/event-feed.port.js';

/**
 * A Kafka-like feed over a fixed list: two partitions (by stream), each event delivered at least once —
 * every third one a second time later in its partition under a new offset, as a relay that crashed
 * before saving its own checkpoint would publish it again.
 */
const partitionOf = (streamId: string): number => [...streamId].reduce((h, c) => h + c.charCodeAt(0), 0) % 2;

export function redeliveringFeed(events: readonly RecordedEvent[]): { feed: EventFeed; partitions: Map<number, FeedEntry[]> } {
  const partitions = new Map<number, FeedEntry[]>([
    [0, []],
    [1, []],
  ]);
  const pending: RecordedEvent[] = [];
  events.forEach((event, i) => {
    const p = partitionOf(event.streamId);
    const list = partitions.get(p) ?? [];
    list.push({ partition: p, offset: list.length, payload: event });
    if (i % 3 === 0) pending.push(event);
    if (pending.length > 5) {
      const again = pending.shift() as RecordedEvent;
      const q = partitions.get(partitionOf(again.streamId)) ?? [];
      q.push({ partition: partitionOf(again.streamId), offset: q.length, payload: structuredClone(again) });
    }
  });
  const feed: EventFeed = {
    name: 'kafka:npo.events.v1',
    trusted: false,
    subscribe(from: Checkpoint, options = {}): AsyncIterable<FeedBatch> {
      const size = options.maxBatchSize ?? 100;
      return {
        async *[Symbol.asyncIterator]() {
          // Interleave the partitions the way a consumer sees them: a batch from one, then the other.
          const cursor = new Map([...partitions.keys()].map((p) => [p, (from.get(p) ?? -1) + 1]));
          for (;;) {
            let progressed = false;
            for (const [p, list] of partitions) {
              const start = cursor.get(p) ?? 0;
              const entries = list.slice(start, start + size);
              if (entries.length === 0) continue;
              cursor.set(p, start + entries.length);
              progressed = true;
              yield { entries };
            }
            if (!progressed) return;
          }
        },
      };
    },
    async head(): Promise<Checkpoint> {
      return new Map([...partitions].map(([p, list]) => [p, list.length - 1]));
    },
  };
  return { feed, partitions };
}
