import { createLogger, ConfigError, loadConfig } from '@npo/platform';
import { describe, expect, it } from 'vitest';
import { configuredFeed, kafkaFeedLogging } from './feed.factory.js';

const noStore = {} as Parameters<typeof configuredFeed>[1];

/** The service's own JSON logger, writing into an array instead of stdout. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'analytics', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

describe('the Kafka feed in the service log', () => {
  const consumer = { topic: 'npo.events.v1', groupId: 'npo-analytics' };

  it("puts the Kafka client's lines in the service log, marked as Kafka's", () => {
    const { logger, lines } = capturedLogger();
    kafkaFeedLogging(logger, consumer).logger('error', '[Connection] Connection error: connect ECONNREFUSED', { broker: 'kafka:9092', namespace: 'Connection' });
    expect(lines).toEqual([expect.objectContaining({ level: 'error', name: 'analytics', component: 'kafka', broker: 'kafka:9092', msg: '[Connection] Connection error: connect ECONNREFUSED' })]);
  });

  it('logs a consumer failure as a warning while it rejoins, as an error once it stopped, with the topic and group', () => {
    const { logger, lines } = capturedLogger();
    const logging = kafkaFeedLogging(logger, consumer);
    logging.onError(new Error('The group is rebalancing'), true);
    logging.onError(new Error('stored offset 9 is outside its log'), false);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', component: 'kafka', ...consumer, err: expect.objectContaining({ message: 'The group is rebalancing' }) }),
      expect.objectContaining({ level: 'error', component: 'kafka', ...consumer, err: expect.objectContaining({ message: 'stored offset 9 is outside its log' }) }),
    ]);
  });

  it('logs every (re)assignment of partitions', () => {
    const { logger, lines } = capturedLogger();
    kafkaFeedLogging(logger, consumer).onAssigned([{ topic: 'npo.events.v1', partitions: [0, 2] }]);
    expect(lines).toEqual([expect.objectContaining({ level: 'info', component: 'kafka', ...consumer, partitions: [0, 2], msg: 'Kafka partitions assigned' })]);
  });

  it("reports a bad Kafka feed variable as the platform's ConfigError, like every other bad variable", () => {
    const env = { NPO_FEED: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092', NPO_KAFKA_TOPIC: 'not a topic' };
    const { logger } = capturedLogger();
    let error: unknown;
    try {
      configuredFeed(loadConfig(env), noStore, 'live', env, logger);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', issues: [{ variable: 'NPO_KAFKA_TOPIC', message: 'must be 1-249 of A-Z a-z 0-9 . _ -' }] });
    expect((error as Error).message).toBe('Invalid configuration:\n  - NPO_KAFKA_TOPIC must be 1-249 of A-Z a-z 0-9 . _ -');
  });
});
