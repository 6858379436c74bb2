import { kafkaEventFeed, kafkaFeedConfigFromEnv } from '@npo/analytics-kafka-feed';
import { storeEventFeed, type EventFeed } from '@npo/analytics-model';
import type { EventStore } from '@npo/event-store';
import { createKafkaMessaging, type MessagingLogger, type TopicPartitions } from '@npo/messaging';
import { ConfigError, type PlatformConfig } from '@npo/platform/config';
import { createLogger, type PlatformLogger } from '@npo/platform/logging';

export interface KafkaFeedLogging {
  /** The Kafka client's own lines (connection errors, retries), at warn and above. */
  readonly logger: MessagingLogger;
  readonly onError: (error: Error, restarting: boolean) => void;
  readonly onAssigned: (assignment: readonly TopicPartitions[]) => void;
}

/**
 * Without these a consumer that keeps failing and rejoining, or a rebalance that moves partitions to
 * another member (whose database then gets their events), leaves no trace in the service's log.
 */
export function kafkaFeedLogging(logger: PlatformLogger, consumer: { readonly topic: string; readonly groupId: string }): KafkaFeedLogging {
  const context = { component: 'kafka', ...consumer };
  return {
    logger: (level, message, fields) => logger[level]({ ...fields, component: 'kafka' }, message),
    onError: (error, restarting) =>
      restarting
        ? logger.warn({ ...context, err: error }, 'Kafka consumer failed; rejoining the group')
        : logger.error({ ...context, err: error }, 'Kafka consumer stopped; the projector restarts the feed'),
    onAssigned: (assignment) => logger.info({ ...context, partitions: assignment.flatMap((a) => a.partitions) }, 'Kafka partitions assigned'),
  };
}

/**
 * The feed the projector follows: the event store's global log (embedded mode) or the relay's Kafka
 * topic (NPO_FEED=kafka; NPO_KAFKA_TOPIC, NPO_KAFKA_GROUP). A rebuild reads Kafka in a group of its
 * own: in the live group it would take partitions away from the serving projector and wait forever
 * for the ones it keeps. Kafka's log lines go to `logger`; without one, to a logger of the service's
 * own format (on stderr for a rebuild, whose stdout is the CLI's report).
 */
export function configuredFeed(
  config: PlatformConfig,
  store: EventStore,
  purpose: 'live' | 'rebuild' = 'live',
  env: NodeJS.ProcessEnv = process.env,
  logger?: PlatformLogger,
): EventFeed {
  switch (config.feed.kind) {
    case 'store':
      return storeEventFeed(store);
    case 'kafka': {
      const kafka = kafkaFeedConfigFromEnv({ ...env, KAFKA_BROKERS: config.feed.brokers.join(',') }, (issues) => new ConfigError(issues));
      const groupId = purpose === 'live' ? kafka.groupId : `${kafka.groupId}-rebuild`;
      const logging = kafkaFeedLogging(
        logger ?? createLogger({ name: 'analytics', level: config.logLevel, ...(purpose === 'rebuild' ? { destination: process.stderr } : {}) }),
        { topic: kafka.topic, groupId },
      );
      return kafkaEventFeed({
        messaging: createKafkaMessaging({ brokers: kafka.brokers, clientId: `npo-analytics-${purpose}`, logger: logging.logger }),
        topic: kafka.topic,
        groupId,
        onError: logging.onError,
        onAssigned: logging.onAssigned,
      });
    }
    default: {
      const unknown: never = config.feed;
      throw new Error(`unknown feed ${JSON.stringify(unknown)}`);
    }
  }
}
