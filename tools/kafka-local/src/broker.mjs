import { spawn, execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { resolveOptions, statePaths } from './config.mjs';
import { KafkaLocalError } from './errors.mjs';
import { resolveJars } from './jars.mjs';
import { checkPrerequisites, javaBinary } from './prerequisites.mjs';
import { isAlive, isOurBroker, portOpen, readRunRecord, withLock, writeRunRecord } from './process-state.mjs';
import { waitUntilReady } from './readiness.mjs';
import { log4j2Properties, newClusterId, serverProperties } from './server-config.mjs';

const run = promisify(execFile);
// A cold Maven resolution can take minutes; another process waiting for the lock must outlast it.
const LOCK_WAIT_MS = 10 * 60_000;

/**
 * @typedef {import('./index.d.mts').KafkaLocalOptions} KafkaLocalOptions
 * @typedef {import('./index.d.mts').ResolvedOptions} ResolvedOptions
 * @typedef {import('./index.d.mts').BrokerInfo} BrokerInfo
 * @typedef {import('./index.d.mts').BrokerStatus} BrokerStatus
 * @typedef {import('./index.d.mts').RunRecord} RunRecord
 */

/**
 * Starts the broker unless this state directory's broker already runs; resolves once it is ready.
 * @param {KafkaLocalOptions} [options]
 * @returns {Promise<BrokerInfo>}
 */
export async function start(options) {
  const o = resolveOptions(options);
  const paths = statePaths(o.stateDir);
  mkdirSync(o.stateDir, { recursive: true });
  return withLock(paths.lockDir, LOCK_WAIT_MS, async () => {
    const running = liveRecord(paths);
    if (running) {
      if (running.port !== o.port || running.controllerPort !== o.controllerPort) {
        throw new KafkaLocalError(
          'ALREADY_RUNNING',
          `the broker of ${o.stateDir} already runs on ports ${running.port}/${running.controllerPort}, not ${o.port}/${o.controllerPort}: stop it first`,
        );
      }
      const t0 = performance.now();
      await waitUntilReady({ host: running.host, port: running.port, pid: running.pid, timeoutMs: o.readyTimeoutMs, brokerLog: paths.brokerLog });
      return info(running, o, { startedHere: false, jarsMs: 0, readyMs: Math.round(performance.now() - t0) });
    }

    await checkPrerequisites();
    for (const port of [o.port, o.controllerPort]) {
      if (await portOpen(o.host, port)) {
        throw new KafkaLocalError('PORT_IN_USE', `${o.host}:${port} is already taken by another process; choose other ports with KAFKA_PORT / KAFKA_CONTROLLER_PORT`);
      }
    }
    const jars = await resolveJars({ cacheRoot: o.cacheRoot, log: o.log });

    mkdirSync(paths.dataDir, { recursive: true });
    writeFileSync(paths.serverProperties, serverProperties({ host: o.host, port: o.port, controllerPort: o.controllerPort, dataDir: paths.dataDir }));
    writeFileSync(paths.log4jConfig, log4j2Properties({ logFile: paths.brokerLog }));
    if (!existsSync(join(paths.dataDir, 'meta.properties'))) await format(jars.classpath, paths, o);

    const t0 = performance.now();
    const out = openSync(paths.stdoutLog, 'a');
    const child = spawn(
      javaBinary(),
      [
        `-Xmx${o.heap}`,
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true',
        `-Dlog4j2.configurationFile=${paths.log4jConfig}`,
        '-cp',
        jars.classpath,
        'kafka.Kafka',
        paths.serverProperties,
      ],
      { detached: true, stdio: ['ignore', out, out], cwd: o.stateDir },
    );
    closeSync(out);
    const pid = child.pid;
    if (pid === undefined) throw new KafkaLocalError('EXITED', 'java could not be started');
    child.unref();
    /** @type {RunRecord} */
    const record = {
      pid,
      host: o.host,
      port: o.port,
      controllerPort: o.controllerPort,
      version: jars.version,
      startedAt: new Date().toISOString(),
      serverProperties: paths.serverProperties,
    };
    writeRunRecord(paths.runFile, record);
    o.log(`kafka-local: broker ${jars.version} starting (pid ${pid}), log ${paths.brokerLog}`);
    try {
      await waitUntilReady({ host: o.host, port: o.port, pid, timeoutMs: o.readyTimeoutMs, brokerLog: paths.brokerLog });
    } catch (e) {
      signalIfAlive(pid, 'SIGKILL');
      rmSync(paths.runFile, { force: true });
      throw e;
    }
    const readyMs = Math.round(performance.now() - t0);
    o.log(`kafka-local: ready on ${o.host}:${o.port} in ${(readyMs / 1000).toFixed(1)}s`);
    return info(record, o, { startedHere: true, jarsMs: jars.ms, readyMs });
  });
}

/**
 * SIGTERM runs the broker's shutdown hook (a clean stop); past the timeout, or with
 * `{ signal: 'SIGKILL' }` straight away, the process is killed.
 * @param {KafkaLocalOptions} [options]
 * @param {{ signal?: 'SIGTERM' | 'SIGKILL' }} [how]
 * @returns {Promise<{ wasRunning: boolean, pid?: number, killed: boolean }>}
 */
export async function stop(options, how = {}) {
  const o = resolveOptions(options);
  const paths = statePaths(o.stateDir);
  if (!existsSync(o.stateDir)) return { wasRunning: false, killed: false };
  return withLock(paths.lockDir, LOCK_WAIT_MS, async () => {
    const running = liveRecord(paths);
    if (!running) {
      rmSync(paths.runFile, { force: true });
      return { wasRunning: false, killed: false };
    }
    const { pid } = running;
    const signal = how.signal ?? 'SIGTERM';
    signalIfAlive(pid, signal);
    let killed = signal === 'SIGKILL';
    if (!(await exited(pid, o.stopTimeoutMs))) {
      o.log(`kafka-local: broker pid ${pid} still running after ${o.stopTimeoutMs} ms, sending SIGKILL`);
      signalIfAlive(pid, 'SIGKILL');
      killed = true;
      if (!(await exited(pid, 10_000))) throw new KafkaLocalError('STOP_FAILED', `broker pid ${pid} survived SIGKILL`);
    }
    rmSync(paths.runFile, { force: true });
    o.log(`kafka-local: broker pid ${pid} stopped${killed ? ' (killed)' : ''}`);
    return { wasRunning: true, pid, killed };
  });
}

/**
 * Stops (if needed) and starts again on the same data: what a broker outage looks like to clients.
 * @param {KafkaLocalOptions} [options]
 * @param {{ signal?: 'SIGTERM' | 'SIGKILL' }} [how]
 */
export async function restart(options, how) {
  await stop(options, how);
  return start(options);
}

/**
 * Stops the broker and deletes its state directory: the next start formats a new, empty cluster.
 * @param {KafkaLocalOptions} [options]
 */
export async function reset(options) {
  const o = resolveOptions(options);
  await stop(options);
  rmSync(o.stateDir, { recursive: true, force: true });
}

/**
 * @param {KafkaLocalOptions} [options]
 * @returns {Promise<BrokerStatus>}
 */
export async function status(options) {
  const o = resolveOptions(options);
  const paths = statePaths(o.stateDir);
  const running = liveRecord(paths);
  if (!running) return { state: 'stopped', stateDir: o.stateDir, logFile: paths.brokerLog };
  const open = await portOpen(running.host, running.port);
  return {
    state: open ? 'running' : 'starting',
    stateDir: o.stateDir,
    logFile: paths.brokerLog,
    pid: running.pid,
    port: running.port,
    controllerPort: running.controllerPort,
    bootstrap: `${running.host}:${running.port}`,
    version: running.version,
    startedAt: running.startedAt,
  };
}

/**
 * Waits until the broker of these options answers a metadata request (for a broker started elsewhere,
 * e.g. by CI before the tests).
 * @param {KafkaLocalOptions} [options]
 */
export async function waitReady(options) {
  const o = resolveOptions(options);
  const paths = statePaths(o.stateDir);
  const running = liveRecord(paths);
  await waitUntilReady({
    host: running?.host ?? o.host,
    port: running?.port ?? o.port,
    ...(running ? { pid: running.pid, brokerLog: paths.brokerLog } : {}),
    timeoutMs: o.readyTimeoutMs,
  });
}

/**
 * The command that runs a main class from the broker's jars (e.g. `org.apache.kafka.tools.ProducerPerformance`).
 * @param {string} mainClass
 * @param {readonly string[]} args
 * @param {KafkaLocalOptions & { heap?: string }} [options]
 * @returns {Promise<{ command: string, args: string[] }>}
 */
export async function javaCommand(mainClass, args, options) {
  const o = resolveOptions(options);
  await checkPrerequisites();
  const jars = await resolveJars({ cacheRoot: o.cacheRoot, log: o.log });
  return { command: javaBinary(), args: [`-Xmx${o.heap}`, '-cp', jars.classpath, mainClass, ...args] };
}

/**
 * @param {string} classpath
 * @param {ReturnType<typeof statePaths>} paths
 * @param {ResolvedOptions} o
 */
async function format(classpath, paths, o) {
  const clusterId = newClusterId();
  o.log(`kafka-local: formatting ${paths.dataDir} (cluster ${clusterId})`);
  try {
    await run(javaBinary(), [
      `-Dlog4j2.configurationFile=${paths.log4jConfig}`,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '--cluster-id',
      clusterId,
      '--config',
      paths.serverProperties,
      '--ignore-formatted',
    ]);
  } catch (e) {
    const out = /** @type {{ stdout?: string, stderr?: string }} */ (e);
    throw new KafkaLocalError('FORMAT_FAILED', `kafka.tools.StorageTool format failed:\n${out.stdout ?? ''}${out.stderr ?? ''}`, { cause: e });
  }
}

/**
 * @param {ReturnType<typeof statePaths>} paths
 * @returns {RunRecord | undefined}
 */
function liveRecord(paths) {
  const record = readRunRecord(paths.runFile);
  return record && isOurBroker(record.pid, record.serverProperties) ? record : undefined;
}

/**
 * @param {number} pid
 * @param {number} timeoutMs
 */
async function exited(pid, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * @param {RunRecord} record
 * @param {ResolvedOptions} o
 * @param {{ startedHere: boolean, jarsMs: number, readyMs: number }} extra
 * @returns {BrokerInfo}
 */
function info(record, o, extra) {
  const bootstrap = `${record.host}:${record.port}`;
  return {
    pid: record.pid,
    host: record.host,
    port: record.port,
    controllerPort: record.controllerPort,
    bootstrap,
    brokers: [bootstrap],
    version: record.version,
    stateDir: o.stateDir,
    logFile: statePaths(o.stateDir).brokerLog,
    startedHere: extra.startedHere,
    timings: { jarsMs: extra.jarsMs, readyMs: extra.readyMs },
  };
}

/**
 * @param {number} pid
 * @param {NodeJS.Signals} signal
 */
function signalIfAlive(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'ESRCH') throw e;
  }
}
