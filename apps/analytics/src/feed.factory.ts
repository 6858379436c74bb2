import { kafkaEventFeed, kafkaFeedConfigFromEnv } from '@npo/analytics-kafka-feed';
import { storeEventFeed, type EventFeed } from '@npo/analytics-model';
import type { EventStore } from '@npo/event-store';
import { createKafkaMessaging } from '@npo/messaging';
import type { PlatformConfig } from '@npo/platform';

/**
 * The feed the projector follows: the event store's global log (embedded mode) or the relay's Kafka
 * topic (NPO_FEED=kafka; NPO_KAFKA_TOPIC, NPO_KAFKA_GROUP). A rebuild reads Kafka in a group of its
 * own: in the live group it would take partitions away from the serving projector and wait forever
 * for the ones it keeps.
 */
export function configuredFeed(config: PlatformConfig, store: EventStore, purpose: 'live' | 'rebuild' = 'live', env: NodeJS.ProcessEnv = process.env): EventFeed {
  switch (config.feed.kind) {
    case 'store':
      return storeEventFeed(store);
    case 'kafka': {
      const kafka = kafkaFeedConfigFromEnv({ ...env, KAFKA_BROKERS: config.feed.brokers.join(',') });
      return kafkaEventFeed({
        messaging: createKafkaMessaging({ brokers: kafka.brokers, clientId: `npo-analytics-${purpose}` }),
        topic: kafka.topic,
        groupId: purpose === 'live' ? kafka.groupId : `${kafka.groupId}-rebuild`,
      });
    }
    default: {
      const unknown: never = config.feed;
      throw new Error(`unknown feed ${JSON.stringify(unknown)}`);
    }
  }
}
