import { describe, expect, it } from 'vitest';
import { StackError } from './stack-error.js';
import { stackPaths, stackSettingsFromEnv } from './stack-settings.js';

const repo = '/srv/repo';

describe('stackSettingsFromEnv', () => {
  it('defaults: ./data-stack, the apps’ usual ports, a broker off the shared 9092/9093', () => {
    const s = stackSettingsFromEnv({}, repo);
    expect(s.dir).toBe('/srv/repo/data-stack');
    expect(s.ports).toEqual({ api: 3000, analytics: 3001, relay: 3002, kafka: 19092, kafkaController: 19093 });
    expect(s.ports.kafka).not.toBe(9092);
    expect(s.demo).toBe(false);
    expect(stackPaths(s).eventStoreFile).toBe('/srv/repo/data-stack/data/events.sqlite');
  });

  it('reads every variable', () => {
    const s = stackSettingsFromEnv(
      {
        NPO_STACK_DIR: '/tmp/s',
        NPO_API_PORT: '4000',
        NPO_ANALYTICS_PORT: '4001',
        NPO_RELAY_PORT: '4002',
        NPO_STACK_KAFKA_PORT: '4092',
        NPO_STACK_KAFKA_CONTROLLER_PORT: '4093',
        NPO_LOG_LEVEL: 'warn',
        NPO_DEMO: '1',
        NPO_STACK_STOP_TIMEOUT_MS: '500',
        NPO_STACK_READY_TIMEOUT_MS: '1000',
      },
      repo,
    );
    expect(s).toEqual({
      dir: '/tmp/s',
      ports: { api: 4000, analytics: 4001, relay: 4002, kafka: 4092, kafkaController: 4093 },
      logLevel: 'warn',
      demo: true,
      stopTimeoutMs: 500,
      readyTimeoutMs: 1000,
    });
  });

  it('ignores the shared broker’s KAFKA_PORT: the stack never takes over the CI broker', () => {
    expect(stackSettingsFromEnv({ KAFKA_PORT: '9092' }, repo).ports.kafka).toBe(19092);
  });

  it.each([
    [{ NPO_API_PORT: 'x' }, 'NPO_API_PORT'],
    [{ NPO_STACK_KAFKA_PORT: '0' }, 'NPO_STACK_KAFKA_PORT'],
    [{ NPO_LOG_LEVEL: 'loud' }, 'NPO_LOG_LEVEL'],
    [{ NPO_STACK_STOP_TIMEOUT_MS: '1s' }, 'NPO_STACK_STOP_TIMEOUT_MS'],
    [{ NPO_API_PORT: '5000', NPO_RELAY_PORT: '5000' }, 'both port 5000'],
  ])('refuses %j', (env, mentioned) => {
    let error: unknown;
    try {
      stackSettingsFromEnv(env, repo);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackError);
    expect((error as StackError).code).toBe('BAD_CONFIG');
    expect((error as StackError).message).toContain(mentioned);
  });
});
