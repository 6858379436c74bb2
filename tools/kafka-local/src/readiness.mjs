import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaLocalError } from './errors.mjs';
import { isAlive, portOpen } from './process-state.mjs';

/**
 * Ready means: the client port accepts connections (the broker opens it only once started) and a
 * metadata round trip through a real client succeeds. Fails early if the process dies.
 * @param {{ host: string, port: number, pid?: number, timeoutMs: number, brokerLog?: string }} o
 */
export async function waitUntilReady({ host, port, pid, timeoutMs, brokerLog }) {
  const deadline = Date.now() + timeoutMs;
  const fail = (/** @type {'EXITED' | 'NOT_READY'} */ code, /** @type {string} */ why) =>
    new KafkaLocalError(code, `${why}${brokerLog ? `\n--- last lines of ${brokerLog} ---\n${tail(brokerLog, 40)}` : ''}`);

  while (!(await portOpen(host, port))) {
    if (pid !== undefined && !isAlive(pid)) throw fail('EXITED', `the broker (pid ${pid}) exited before opening ${host}:${port}`);
    if (Date.now() > deadline) throw fail('NOT_READY', `${host}:${port} did not open within ${timeoutMs} ms`);
    await sleep(100);
  }

  const kafka = new Kafka({
    clientId: 'kafka-local-readiness',
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    retry: { retries: 0 },
  });
  /** @type {unknown} */
  let lastError;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return cluster;
      lastError = new Error('no broker or controller in the cluster metadata yet');
    } catch (e) {
      lastError = e;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    if (pid !== undefined && !isAlive(pid)) throw fail('EXITED', `the broker (pid ${pid}) exited while starting`);
    if (Date.now() > deadline) throw fail('NOT_READY', `describeCluster did not succeed within ${timeoutMs} ms: ${String(lastError)}`);
    await sleep(250);
  }
}

/**
 * @param {string} file
 * @param {number} lines
 */
export function tail(file, lines) {
  if (!existsSync(file)) return '(no log file)';
  // Only the end matters and the log can grow large: read the last 64 KiB at most.
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 65536);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    closeSync(fd);
  }
}
