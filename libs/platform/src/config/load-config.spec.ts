import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT_BYTES, platformEnvSchema } from './config.schema.js';
import { ConfigError, loadConfig, loadConfigOrExit } from './load-config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, { cwd: '/srv/npo' });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({}, { cwd: '/srv/npo' });
    expect(config).toEqual({
      dataDir: '/srv/npo/data',
      apiPort: 3000,
      analyticsPort: 3001,
      host: '127.0.0.1',
      eventStore: { kind: 'sqlite' },
      feed: { kind: 'store' },
      demo: false,
      logLevel: 'info',
      bodyLimit: 65536,
      releaseThreads: Math.min(4, availableParallelism()),
      adHocMaxPending: undefined,
      releaseMaxPending: undefined,
      metricsToken: undefined,
      releaseSchedule: 'off',
    });
  });

  it('reads every variable when set', () => {
    const config = loadConfig(
      {
        NPO_DATA_DIR: '/var/lib/npo',
        NPO_API_PORT: '8080',
        NPO_ANALYTICS_PORT: '0',
        NPO_HOST: '0.0.0.0',
        NPO_EVENT_STORE: 'kurrentdb',
        EVENTSTORE_CONNECTION_STRING: 'kurrentdb://kurrentdb:2113?tls=false',
        NPO_FEED: 'kafka',
        KAFKA_BROKERS: 'kafka:9092, 127.0.0.1:9093',
        NPO_DEMO: '1',
        NPO_LOG_LEVEL: 'debug',
        NPO_BODY_LIMIT: '1024',
        NPO_RELEASE_THREADS: '3',
        NPO_AD_HOC_MAX_PENDING: '7',
        NPO_RELEASE_MAX_PENDING: '2',
        NPO_METRICS_TOKEN: 'f'.repeat(64),
        NPO_RELEASE_SCHEDULE: 'monthly',
      },
      { cwd: '/elsewhere' },
    );
    expect(config).toEqual({
      dataDir: '/var/lib/npo',
      apiPort: 8080,
      analyticsPort: 0,
      host: '0.0.0.0',
      eventStore: { kind: 'kurrentdb', connectionString: 'kurrentdb://kurrentdb:2113?tls=false' },
      feed: { kind: 'kafka', brokers: ['kafka:9092', '127.0.0.1:9093'] },
      demo: true,
      logLevel: 'debug',
      bodyLimit: 1024,
      releaseThreads: 3,
      adHocMaxPending: 7,
      releaseMaxPending: 2,
      metricsToken: 'f'.repeat(64),
      releaseSchedule: 'monthly',
    });
  });

  it('resolves a relative data dir against the given working directory', () => {
    expect(loadConfig({ NPO_DATA_DIR: 'var/data' }, { cwd: '/srv/npo' }).dataDir).toBe('/srv/npo/var/data');
  });

  it('treats an empty value as unset, so the default applies', () => {
    const config = loadConfig({ NPO_API_PORT: '', NPO_FEED: ' ', NPO_BODY_LIMIT: '' }, { cwd: '/x' });
    expect(config.apiPort).toBe(3000);
    expect(config.feed).toEqual({ kind: 'store' });
    expect(config.bodyLimit).toBe(DEFAULT_BODY_LIMIT_BYTES);
  });

  it('splits a release over at most 4 threads, never more than the machine has cores, unless told', () => {
    expect(loadConfig({}).releaseThreads).toBe(Math.min(4, availableParallelism()));
    expect(loadConfig({ NPO_RELEASE_THREADS: '12' }).releaseThreads).toBe(12);
  });

  it('ignores variables it does not own', () => {
    expect(() => loadConfig({ PATH: '/bin', HOME: '/root', NPO_UNRELATED: 'x' })).not.toThrow();
  });

  it.each([
    ['NPO_API_PORT', 'abc'],
    ['NPO_API_PORT', '-1'],
    ['NPO_API_PORT', '65536'],
    ['NPO_API_PORT', '80.5'],
    ['NPO_ANALYTICS_PORT', '3001x'],
    ['NPO_ANALYTICS_PORT', '999999'],
    ['NPO_HOST', 'not a host'],
    ['NPO_HOST', 'http://127.0.0.1'],
    ['NPO_EVENT_STORE', 'postgres'],
    ['NPO_EVENT_STORE', 'SQLITE'],
    ['NPO_FEED', 'rabbitmq'],
    ['NPO_DEMO', 'true'],
    ['NPO_DEMO', '2'],
    ['NPO_LOG_LEVEL', 'verbose'],
    ['NPO_BODY_LIMIT', '64kb'],
    ['NPO_BODY_LIMIT', '0'],
    ['NPO_BODY_LIMIT', '1e6'],
    ['NPO_BODY_LIMIT', String(64 * 1024 * 1024 + 1)],
    ['NPO_RELEASE_THREADS', '0'],
    ['NPO_RELEASE_THREADS', '2.5'],
    ['NPO_RELEASE_THREADS', '17'],
    ['NPO_AD_HOC_MAX_PENDING', '0'],
    ['NPO_AD_HOC_MAX_PENDING', '101'],
    ['NPO_AD_HOC_MAX_PENDING', 'many'],
    ['NPO_RELEASE_SCHEDULE', 'weekly'],
  ])('rejects %s=%j and names the variable and the value', (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.issues.map((i) => i.variable)).toEqual([variable]);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(variable);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('requires EVENTSTORE_CONNECTION_STRING when NPO_EVENT_STORE=kurrentdb', () => {
    const error = configError({ NPO_EVENT_STORE: 'kurrentdb' });
    expect(error.issues).toEqual([{ variable: 'EVENTSTORE_CONNECTION_STRING', message: 'is required when NPO_EVENT_STORE=kurrentdb' }]);
  });

  it('rejects a short or malformed NPO_METRICS_TOKEN without echoing it (it is a credential)', () => {
    for (const value of ['s3cret-but-short', `${'a'.repeat(40)} b`]) {
      const error = configError({ NPO_METRICS_TOKEN: value });
      expect(error.issues.map((i) => i.variable)).toEqual(['NPO_METRICS_TOKEN']);
      expect(error.message).not.toContain(value);
    }
  });

  it('rejects a connection string of another scheme without echoing it (it may hold a password)', () => {
    const error = configError({ NPO_EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: 'postgres://admin:s3cret@db/x' });
    expect(error.issues.map((i) => i.variable)).toEqual(['EVENTSTORE_CONNECTION_STRING']);
    expect(error.message).not.toContain('s3cret');
  });

  it('requires KAFKA_BROKERS when NPO_FEED=kafka', () => {
    const error = configError({ NPO_FEED: 'kafka' });
    expect(error.issues).toEqual([{ variable: 'KAFKA_BROKERS', message: 'is required when NPO_FEED=kafka' }]);
  });

  it.each(['kafka', 'kafka:', ':9092', 'kafka:0', 'kafka:9092,', 'kafka:9092;other:9092', 'bad host:9092'])(
    'rejects the broker list %j',
    (brokers) => {
      const error = configError({ NPO_FEED: 'kafka', KAFKA_BROKERS: brokers });
      expect(error.issues.map((i) => i.variable)).toEqual(['KAFKA_BROKERS']);
    },
  );

  it('accepts an IPv6 broker in brackets', () => {
    const config = loadConfig({ NPO_FEED: 'kafka', KAFKA_BROKERS: '[::1]:9092' });
    expect(config.feed).toEqual({ kind: 'kafka', brokers: ['[::1]:9092'] });
  });

  it('lists every bad variable at once, not only the first', () => {
    const error = configError({ NPO_API_PORT: 'x', NPO_DEMO: 'yes', NPO_FEED: 'kafka', NPO_LOG_LEVEL: 'loud' });
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['KAFKA_BROKERS', 'NPO_API_PORT', 'NPO_DEMO', 'NPO_LOG_LEVEL']);
    expect(error.message.split('\n')).toHaveLength(5);
  });
});

describe('platformEnvSchema', () => {
  it('is usable on its own to validate an environment block (e.g. a compose service)', () => {
    expect(platformEnvSchema.safeParse({ NPO_FEED: 'kafka', KAFKA_BROKERS: 'kafka:9092' }).success).toBe(true);
    expect(platformEnvSchema.safeParse({ NPO_FEED: 'kafka' }).success).toBe(false);
  });
});

describe('loadConfigOrExit', () => {
  class Exited extends Error {
    constructor(readonly code: number) {
      super(`exit ${code}`);
    }
  }
  const exit = (code: number): never => {
    throw new Exited(code);
  };

  it('prints every bad variable and exits with status 1', () => {
    const written: string[] = [];
    const outcome = (() => {
      try {
        return loadConfigOrExit({ NPO_API_PORT: 'eighty', NPO_EVENT_STORE: 'kurrentdb' }, { writeError: (t) => written.push(t), exit });
      } catch (error) {
        return error;
      }
    })();
    expect(outcome).toBeInstanceOf(Exited);
    expect((outcome as Exited).code).toBe(1);
    expect(written.join('')).toMatch(/^Invalid configuration:\n {2}- NPO_API_PORT must be a whole number 0-65535 \(got "eighty"\)\n {2}- EVENTSTORE_CONNECTION_STRING is required/);
    expect(written.join('')).toMatch(/\nSee the Configuration table in libs\/platform\/README\.md for every variable and its default\.\n$/);
  });

  it('points to the README table that lists the variables', () => {
    // The message names this file; the repository README has no configuration section.
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    expect(readme).toMatch(/^## Configuration$/m);
    for (const variable of ['NPO_DATA_DIR', 'NPO_API_PORT', 'NPO_HOST', 'NPO_BODY_LIMIT', 'NPO_RELEASE_THREADS', 'NPO_METRICS_TOKEN']) expect(readme).toContain(`| \`${variable}\` |`);
  });

  it('returns the configuration when it is valid', () => {
    expect(loadConfigOrExit({ NPO_API_PORT: '8080' }, { exit, writeError: () => undefined }).apiPort).toBe(8080);
  });
});
