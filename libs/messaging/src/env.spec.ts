import { describe, expect, it } from 'vitest';
import { kafkaConnectionFromEnv } from './env.js';

describe('kafkaConnectionFromEnv', () => {
  it('defaults to the local broker', () => {
    expect(kafkaConnectionFromEnv('x', {})).toEqual({ brokers: ['127.0.0.1:9092'], clientId: 'x' });
  });

  it('splits a comma-separated list', () => {
    expect(kafkaConnectionFromEnv('x', { KAFKA_BROKERS: 'a:1, b:2' }).brokers).toEqual(['a:1', 'b:2']);
  });

  it.each(['a', 'a:b', ','])('rejects %j', (value) => {
    expect(() => kafkaConnectionFromEnv('x', { KAFKA_BROKERS: value })).toThrow();
  });
});
