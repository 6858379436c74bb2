import { loadConfig } from '@npo/platform';
import { describe, expect, it } from 'vitest';
import { configuredFeed } from './feed.factory.js';

// The store is not touched by the Kafka feed; the store feed only wraps it.
const noStore = {} as Parameters<typeof configuredFeed>[1];

describe('configuredFeed', () => {
  it('follows the store by default and the relay topic with NPO_FEED=kafka, untrusted, checkpointed under its own name', () => {
    expect(configuredFeed(loadConfig({}), noStore)).toMatchObject({ name: 'store', trusted: true });
    const env = { NPO_FEED: 'kafka', KAFKA_BROKERS: '127.0.0.1:9092' };
    expect(configuredFeed(loadConfig(env), noStore, 'live', env)).toMatchObject({ name: 'kafka:npo.events.v1', trusted: false });
    const other = { ...env, NPO_KAFKA_TOPIC: 'npo.events.test' };
    expect(configuredFeed(loadConfig(other), noStore, 'rebuild', other).name).toBe('kafka:npo.events.test');
  });
});
