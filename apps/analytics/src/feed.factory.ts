import { storeEventFeed, type EventFeed } from '@npo/analytics-model';
import type { EventStore } from '@npo/event-store';
import type { PlatformConfig } from '@npo/platform';

export class FeedNotAvailableError extends Error {
  readonly code = 'analytics-feed-not-available' as const;
  constructor(kind: string) {
    super(`NPO_FEED=${kind} has no adapter in this build yet; use NPO_FEED=store (the event store's global log)`);
    this.name = 'FeedNotAvailableError';
  }
}

/** The feed the projector follows. Kafka comes behind the same EventFeed port (checkpoint = partition offsets). */
export function configuredFeed(config: PlatformConfig, store: EventStore): EventFeed {
  switch (config.feed.kind) {
    case 'store':
      return storeEventFeed(store);
    case 'kafka':
      throw new FeedNotAvailableError('kafka');
    default: {
      const unknown: never = config.feed;
      throw new Error(`unknown feed ${JSON.stringify(unknown)}`);
    }
  }
}
