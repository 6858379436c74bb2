export { kafkaEventFeed, DEFAULT_ANALYTICS_GROUP, DEFAULT_EVENTS_TOPIC, type KafkaEventFeedOptions } from './kafka-event-feed.js';
export { kafkaFeedConfigFromEnv, type KafkaFeedConfig } from './kafka-feed-config.js';
export { BatchBridge, FeedClosedError } from './batch-bridge.js';
export { toFeedEntry } from './message-entry.js';
