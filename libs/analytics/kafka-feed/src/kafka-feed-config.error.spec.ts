import { describe, expect, it } from 'vitest';
import { KafkaFeedConfigError, kafkaFeedConfigFromEnv } from './kafka-feed-config.js';

describe('kafkaFeedConfigFromEnv errors', () => {
  it('throws a KafkaFeedConfigError naming each bad variable', () => {
    let error: unknown;
    try {
      kafkaFeedConfigFromEnv({ NPO_KAFKA_GROUP: 'g/1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KafkaFeedConfigError);
    expect(error).toMatchObject({
      code: 'KAFKA_FEED_CONFIG_INVALID',
      issues: [
        { variable: 'KAFKA_BROKERS', message: 'is required when NPO_FEED=kafka' },
        { variable: 'NPO_KAFKA_GROUP', message: 'must be 1-249 of A-Z a-z 0-9 . _ -' },
      ],
    });
  });

  it("makes the caller's error when asked to (an app's own configuration error)", () => {
    class AppConfigError extends Error {
      constructor(readonly issues: readonly { variable: string; message: string }[]) {
        super('bad');
      }
    }
    expect(() => kafkaFeedConfigFromEnv({ KAFKA_BROKERS: 'no-port' }, (issues) => new AppConfigError(issues))).toThrow(AppConfigError);
  });
});
