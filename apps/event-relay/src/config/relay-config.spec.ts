import { ConfigError } from '@npo/platform';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENTS_TOPIC, loadRelayConfig } from './relay-config.js';

const issuesOf = (env: Record<string, string>): { variable: string; message: string }[] => {
  try {
    loadRelayConfig(env, { cwd: '/srv/npo' });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => ({ ...i }));
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('relay configuration', () => {
  it('defaults to npo.events.v1 with 3 partitions, replication 1, port 3002 and the local broker', () => {
    const config = loadRelayConfig({}, { cwd: '/srv/npo' });
    expect(config.topic).toEqual({ topic: DEFAULT_EVENTS_TOPIC, partitions: 3, replicationFactor: 1, config: { 'retention.ms': '-1', 'retention.bytes': '-1' } });
    expect(DEFAULT_EVENTS_TOPIC).toBe('npo.events.v1');
    expect(config.port).toBe(3002);
    expect(config.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.platform.dataDir).toBe('/srv/npo/data');
  });

  it('reads topic, partitions, replication, port, batch size and brokers', () => {
    const config = loadRelayConfig(
      { NPO_KAFKA_TOPIC: 'npo.events.test', NPO_KAFKA_PARTITIONS: '12', NPO_KAFKA_REPLICATION: '3', NPO_RELAY_PORT: '0', NPO_RELAY_BATCH: '250', KAFKA_BROKERS: 'k1:9092, k2:9093' },
      { cwd: '/srv/npo' },
    );
    expect(config.topic).toMatchObject({ topic: 'npo.events.test', partitions: 12, replicationFactor: 3 });
    expect(config.port).toBe(0);
    expect(config.batchSize).toBe(250);
    expect(config.brokers).toEqual(['k1:9092', 'k2:9093']);
  });

  it('treats empty values as unset', () => {
    expect(loadRelayConfig({ NPO_KAFKA_TOPIC: '', NPO_KAFKA_PARTITIONS: ' ', KAFKA_BROKERS: '' }).topic).toMatchObject({ topic: 'npo.events.v1', partitions: 3 });
  });

  it('lists every bad variable at once, the platform ones included', () => {
    const issues = issuesOf({
      NPO_KAFKA_TOPIC: 'npo events',
      NPO_KAFKA_PARTITIONS: '0',
      NPO_KAFKA_REPLICATION: 'two',
      NPO_RELAY_PORT: '70000',
      NPO_RELAY_BATCH: '-5',
      NPO_EVENT_STORE: 'postgres',
      KAFKA_BROKERS: 'nohost',
    });
    expect(issues.map((i) => i.variable).sort()).toEqual(
      ['KAFKA_BROKERS', 'NPO_EVENT_STORE', 'NPO_KAFKA_PARTITIONS', 'NPO_KAFKA_REPLICATION', 'NPO_KAFKA_TOPIC', 'NPO_RELAY_BATCH', 'NPO_RELAY_PORT'].sort(),
    );
    expect(issues.find((i) => i.variable === 'NPO_KAFKA_PARTITIONS')?.message).toContain('1-10000');
    // Broker lists may carry credentials: the platform never echoes them.
    expect(issues.find((i) => i.variable === 'KAFKA_BROKERS')?.message).not.toContain('nohost');
  });
});
