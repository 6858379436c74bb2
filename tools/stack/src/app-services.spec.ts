import { kafkaFeedConfigFromEnv } from '@npo/analytics-kafka-feed';
import { loadConfig } from '@npo/platform';
import { describe, expect, it } from 'vitest';
import { appServices, childEnv } from './app-services.js';
import { loadRelayDist } from './relay-dist.test-support.js';
import { stackPaths, stackSettingsFromEnv } from './stack-settings.js';

const settings = stackSettingsFromEnv({ NPO_STACK_DIR: '/tmp/npo-stack-spec', NPO_API_PORT: '4100', NPO_ANALYTICS_PORT: '4101', NPO_RELAY_PORT: '4102', NPO_STACK_KAFKA_PORT: '4192' }, '/repo');
const apps = appServices(settings);
const byName = (name: string) => apps.find((a) => a.name === name)!;
const relay = await loadRelayDist();

describe('appServices: each app configured as its own loader reads it', () => {
  it('school-api: SQLite in the shared data dir, on its port, loopback', () => {
    const config = loadConfig(byName('school-api').env);
    expect(config).toMatchObject({ apiPort: 4100, host: '127.0.0.1', eventStore: { kind: 'sqlite' }, dataDir: stackPaths(settings).dataDir });
  });

  it('event-relay: the same store file, publishing to the stack broker, on its port', () => {
    const config = relay.loadRelayConfig(byName('event-relay').env);
    expect(config.port).toBe(4102);
    expect(config.brokers).toEqual(['127.0.0.1:4192']);
    expect(config.platform.dataDir).toBe(stackPaths(settings).dataDir);
    expect(config.platform.eventStore.kind).toBe('sqlite');
  });

  it('analytics: follows the relay’s topic on the stack broker', () => {
    const env = byName('analytics').env;
    const config = loadConfig(env);
    expect(config).toMatchObject({ analyticsPort: 4101, feed: { kind: 'kafka', brokers: ['127.0.0.1:4192'] }, dataDir: stackPaths(settings).dataDir });
    expect(kafkaFeedConfigFromEnv(env).topic).toBe(relay.loadRelayConfig(byName('event-relay').env).topic.topic);
  });

  it('lists the apps in start order: the store writer first, its readers after', () => {
    expect(apps.map((a) => a.name)).toEqual(['school-api', 'event-relay', 'analytics']);
    expect(apps.map((a) => a.entry)).toEqual(['apps/school-api/dist/main.js', 'apps/event-relay/dist/main.js', 'apps/analytics/dist/main.js']);
  });
});

describe('childEnv', () => {
  it('keeps PATH and friends, drops every platform variable of the caller, adds the app’s own', () => {
    const env = childEnv(byName('school-api'), { PATH: '/bin', HOME: '/root', NPO_FEED: 'store', KAFKA_BROKERS: 'elsewhere:9092', EVENTSTORE_CONNECTION_STRING: 'esdb://x', NPO_API_PORT: '1' });
    expect(env['PATH']).toBe('/bin');
    expect(env['HOME']).toBe('/root');
    expect(env['NPO_FEED']).toBeUndefined();
    expect(env['KAFKA_BROKERS']).toBeUndefined();
    expect(env['EVENTSTORE_CONNECTION_STRING']).toBeUndefined();
    expect(env['NPO_API_PORT']).toBe('4100');
  });
});
