import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaLocalError } from './errors.mjs';

export const toolDir = fileURLToPath(new URL('..', import.meta.url));
export const repoRoot = resolve(toolDir, '..', '..');
export const pomPath = join(toolDir, 'pom.xml');

/**
 * @typedef {import('./index.d.mts').KafkaLocalOptions} KafkaLocalOptions
 * @typedef {import('./index.d.mts').ResolvedOptions} ResolvedOptions
 */

/**
 * Options win over environment variables, which win over defaults.
 * @param {KafkaLocalOptions} [options]
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options = {}, env = process.env) {
  const stateDir = absolute(options.stateDir ?? env['KAFKA_LOCAL_DIR'] ?? join(repoRoot, '.kafka-local'));
  const cacheRoot = absolute(
    options.cacheDir ?? env['KAFKA_LOCAL_CACHE'] ?? join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'npo', 'kafka'),
  );
  const port = options.port ?? parsePort(env['KAFKA_PORT'], 9092, 'KAFKA_PORT');
  const controllerPort = options.controllerPort ?? parsePort(env['KAFKA_CONTROLLER_PORT'], 9093, 'KAFKA_CONTROLLER_PORT');
  if (port === controllerPort) throw new KafkaLocalError('BAD_CONFIG', `client and controller port are both ${port}`);
  const heap = options.heap ?? env['KAFKA_HEAP'] ?? '512m';
  if (!/^\d+[kmg]$/i.test(heap)) throw new KafkaLocalError('BAD_CONFIG', `heap size "${heap}" is not like 512m or 1g`);
  return {
    stateDir,
    cacheRoot,
    port,
    controllerPort,
    heap,
    host: '127.0.0.1',
    readyTimeoutMs: options.readyTimeoutMs ?? parsePositive(env['KAFKA_READY_TIMEOUT_MS'], 90_000, 'KAFKA_READY_TIMEOUT_MS'),
    stopTimeoutMs: options.stopTimeoutMs ?? parsePositive(env['KAFKA_STOP_TIMEOUT_MS'], 30_000, 'KAFKA_STOP_TIMEOUT_MS'),
    log: options.log ?? (() => {}),
  };
}

/**
 * The files kafka-local keeps in its state directory.
 * @param {string} stateDir
 */
export function statePaths(stateDir) {
  return {
    serverProperties: join(stateDir, 'server.properties'),
    log4jConfig: join(stateDir, 'log4j2.properties'),
    dataDir: join(stateDir, 'data'),
    brokerLog: join(stateDir, 'broker.log'),
    stdoutLog: join(stateDir, 'broker.out'),
    runFile: join(stateDir, 'broker.json'),
    lockDir: join(stateDir, 'lock'),
  };
}

/** @param {string} p */
function absolute(p) {
  return isAbsolute(p) ? p : resolve(p);
}

/**
 * @param {string | undefined} raw
 * @param {number} fallback
 * @param {string} name
 */
function parsePort(raw, fallback, name) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new KafkaLocalError('BAD_CONFIG', `${name}=${raw} is not a TCP port`);
  return n;
}

/**
 * @param {string | undefined} raw
 * @param {number} fallback
 * @param {string} name
 */
function parsePositive(raw, fallback, name) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new KafkaLocalError('BAD_CONFIG', `${name}=${raw} is not a positive integer`);
  return n;
}
