import { describe, expect, it } from 'vitest';
import { log4j2Properties, newClusterId, serverProperties } from './server-config.mjs';

function parse(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const i = l.indexOf('=');
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as const;
    });
  return new Map(entries);
}

describe('serverProperties', () => {
  const props = parse(serverProperties({ host: '127.0.0.1', port: 19092, controllerPort: 19093, dataDir: '/tmp/x/data' }));

  it('runs one combined broker and controller', () => {
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe(`${props.get('node.id')}@127.0.0.1:19093`);
  });

  it('listens and advertises on loopback only, on the given ports', () => {
    const endpoints = [props.get('listeners'), props.get('advertised.listeners')].join(',').split(',');
    expect(endpoints.length).toBeGreaterThanOrEqual(3);
    for (const e of endpoints) expect(e).toMatch(/^[A-Z]+:\/\/127\.0\.0\.1:1909[23]$/);
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
  });

  it('gives every internal topic replication factor 1, or a single node never gets a group coordinator', () => {
    const factors = [...props].filter(([k]) => k.endsWith('replication.factor'));
    expect(factors.map(([k]) => k).sort()).toEqual([
      'offsets.topic.replication.factor',
      'share.coordinator.state.topic.replication.factor',
      'transaction.state.log.replication.factor',
    ]);
    for (const [, v] of factors) expect(v).toBe('1');
  });

  it('keeps data in the given directory and leaves topic creation to the admin API', () => {
    expect(props.get('log.dirs')).toBe('/tmp/x/data');
    expect(props.get('auto.create.topics.enable')).toBe('false');
  });
});

describe('log4j2Properties', () => {
  it('sends the root logger to a file appender writing the given path', () => {
    const props = parse(log4j2Properties({ logFile: '/tmp/x/broker.log' }));
    const appender = props.get('rootLogger.appenderRef.file.ref');
    expect(props.get('appender.file.name')).toBe(appender);
    expect(props.get('appender.file.fileName')).toBe('/tmp/x/broker.log');
  });
});

describe('newClusterId', () => {
  it('makes 16-byte base64url ids that cannot be read as a flag', () => {
    const ids = Array.from({ length: 2000 }, () => newClusterId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
