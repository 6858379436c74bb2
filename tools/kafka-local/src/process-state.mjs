import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaLocalError } from './errors.mjs';

/**
 * The state letter (R, S, D, Z, ...) of each thread of `pid`, from /proc; empty once it is gone, undefined
 * where there is no /proc. Per thread because the main thread turns zombie while the others still tear
 * down, and until the last has, the process keeps its files and listening ports.
 * @param {number} pid
 * @returns {string[] | undefined}
 */
export function threadStates(pid) {
  if (!existsSync('/proc/self')) return undefined;
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tids.map((tid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // The state follows the parenthesised command name, which may itself hold parentheses.
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      return 'X';
    }
  });
}

/**
 * Alive while one of its threads has not exited; a zombie (exited, not yet reaped by its parent) counts as
 * dead: it holds no port and no files. Where there is no /proc, kill(pid, 0) has to do.
 * @param {number} pid
 */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
  const states = threadStates(pid);
  return states === undefined || states.some((state) => state !== 'Z' && state !== 'X');
}

/**
 * Whether `pid` is still the broker started with `serverProperties` — guards against a recycled pid.
 * Where /proc is missing, being alive has to do.
 * @param {number} pid
 * @param {string} serverProperties
 */
export function isOurBroker(pid, serverProperties) {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return true;
  try {
    const args = readFileSync(cmdline, 'utf8').split('\0');
    return args.includes('kafka.Kafka') && args.includes(serverProperties);
  } catch {
    return false;
  }
}

/**
 * @param {string} host
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function portOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (/** @type {boolean} */ open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Free loopback ports chosen by the OS (tests start extra brokers on these).
 * @param {number} count
 * @returns {Promise<number[]>}
 */
export async function freePorts(count) {
  /** @type {import('node:net').Server[]} */
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(undefined));
      });
    }
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('no TCP address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))));
  }
}

/**
 * @typedef {import('./index.d.mts').RunRecord} RunRecord
 */

/**
 * @param {string} file
 * @returns {RunRecord | undefined}
 */
export function readRunRecord(file) {
  if (!existsSync(file)) return undefined;
  try {
    return /** @type {RunRecord} */ (JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * @param {string} file
 * @param {RunRecord} record
 */
export function writeRunRecord(file, record) {
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Serialises start/stop across processes (two test files, or a test and the CLI) with a lock directory;
 * a lock left by a dead process is taken over.
 * @template T
 * @param {string} lockDir
 * @param {number} timeoutMs
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withLock(lockDir, timeoutMs, fn) {
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(`${lockDir}/pid`, String(process.pid));
      break;
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
      const holder = lockHolder(lockDir);
      if (!holder || !isAlive(holder)) {
        // The holder died (or is between mkdir and writing its pid: give it a moment first).
        await sleep(200);
        const again = lockHolder(lockDir);
        if (!again || !isAlive(again)) rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new KafkaLocalError('LOCKED', `${lockDir} is held by process ${holder}`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** @param {string} lockDir */
function lockHolder(lockDir) {
  try {
    return Number(readFileSync(`${lockDir}/pid`, 'utf8')) || 0;
  } catch {
    return 0;
  }
}
