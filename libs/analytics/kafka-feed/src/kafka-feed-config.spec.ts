import { describe, expect, it } from 'vitest';
import { kafkaFeedConfigFromEnv } from './kafka-feed-config.js';

describe('kafkaFeedConfigFromEnv', () => {
  it('defaults topic and group, and splits the broker list', () => {
    expect(kafkaFeedConfigFromEnv({ KAFKA_BROKERS: 'k1:9092, k2:9092' })).toEqual({ brokers: ['k1:9092', 'k2:9092'], topic: 'npo.events.v1', groupId: 'npo-analytics' });
    expect(kafkaFeedConfigFromEnv({ KAFKA_BROKERS: 'k:1', NPO_KAFKA_TOPIC: 'npo.events.test', NPO_KAFKA_GROUP: 'analytics-2' })).toMatchObject({ topic: 'npo.events.test', groupId: 'analytics-2' });
  });

  it('requires brokers and names every bad variable without echoing the broker list', () => {
    expect(() => kafkaFeedConfigFromEnv({})).toThrow('KAFKA_BROKERS is required when NPO_FEED=kafka');
    expect(() => kafkaFeedConfigFromEnv({ KAFKA_BROKERS: '' })).toThrow('KAFKA_BROKERS is required');
    let message = '';
    try {
      kafkaFeedConfigFromEnv({ KAFKA_BROKERS: 'secret-host', NPO_KAFKA_TOPIC: 'a b', NPO_KAFKA_GROUP: 'g/1' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('KAFKA_BROKERS must be');
    expect(message).toContain('NPO_KAFKA_TOPIC must be');
    expect(message).toContain('NPO_KAFKA_GROUP must be');
    expect(message).not.toContain('secret-host');
  });
});
