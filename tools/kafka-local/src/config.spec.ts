import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, resolveOptions } from './config.mjs';
import { type KafkaLocalError } from './errors.mjs';

describe('resolveOptions', () => {
  it('defaults to ports 9092/9093 and a state directory in the repository', () => {
    const o = resolveOptions({}, {});
    expect([o.port, o.controllerPort]).toEqual([9092, 9093]);
    expect(o.stateDir).toBe(`${repoRoot}/.kafka-local`);
    expect(o.cacheRoot).toBe(join(homedir(), '.cache', 'npo', 'kafka'));
    expect(o.heap).toBe('512m');
    expect(o.host).toBe('127.0.0.1');
  });

  it('reads the environment, and explicit options win over it', () => {
    const env = { KAFKA_PORT: '29092', KAFKA_CONTROLLER_PORT: '29093', KAFKA_LOCAL_DIR: '/tmp/k', XDG_CACHE_HOME: '/xdg' };
    const fromEnv = resolveOptions({}, env);
    expect([fromEnv.port, fromEnv.controllerPort, fromEnv.stateDir, fromEnv.cacheRoot]).toEqual([29092, 29093, '/tmp/k', '/xdg/npo/kafka']);
    expect(resolveOptions({ port: 1234, stateDir: '/s' }, env)).toMatchObject({ port: 1234, controllerPort: 29093, stateDir: '/s' });
  });

  it.each([
    [{ KAFKA_PORT: '70000' }],
    [{ KAFKA_PORT: 'abc' }],
    [{ KAFKA_PORT: '9093' }],
    [{ KAFKA_HEAP: 'lots' }],
    [{ KAFKA_READY_TIMEOUT_MS: '-1' }],
  ])('rejects %o with BAD_CONFIG', (env) => {
    expect(() => resolveOptions({}, env)).toThrow(expect.objectContaining({ code: 'BAD_CONFIG' }) as KafkaLocalError);
  });
});
