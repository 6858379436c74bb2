import type { EventStore } from '@npo/event-store';
import type { Checkpoint, EventFeed, FeedBatch, FeedSubscribeOptions } from './event-feed.port.js';

export const STORE_FEED_NAME = 'store';
const STORE_PARTITION = 0;

/** The embedded-mode feed: the event store's global log, checkpointed by global position. */
export function storeEventFeed(store: EventStore): EventFeed {
  return {
    name: STORE_FEED_NAME,
    trusted: true,
    readAhead: true,
    subscribe(from: Checkpoint, options: FeedSubscribeOptions = {}): AsyncIterable<FeedBatch> {
      const after = from.get(STORE_PARTITION);
      const events = store.subscribeToAll({
        ...(after === undefined ? {} : { after }),
        ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return {
        async *[Symbol.asyncIterator]() {
          for await (const page of events) {
            yield { entries: page.map((event) => ({ partition: STORE_PARTITION, offset: event.globalPosition, payload: event })) };
          }
        },
      };
    },
    async head(): Promise<Checkpoint> {
      return new Map([[STORE_PARTITION, await store.headPosition()]]);
    },
  };
}
