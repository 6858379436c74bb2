import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaLocalError } from './errors.mjs';
import { isAlive, portOpen } from './process-state.mjs';

/**
 * Ready means: the client port accepts connections (the broker opens it only once started) and the
 * broker answers a Kafka Metadata request naming at least one broker and a controller. The request is
 * made here over a plain socket, not through a client library: kafkajs belongs to libs/messaging
 * alone, and a Java client would add a JVM start (1-2 s) to every readiness check. Fails early if the
 * process dies.
 * @param {{ host: string, port: number, pid?: number, timeoutMs: number, brokerLog?: string }} o
 * @returns {Promise<ClusterMetadata>}
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

  /** @type {unknown} */
  let lastError;
  for (;;) {
    try {
      const cluster = await requestMetadata({ host, port, timeoutMs: 2000 });
      if (cluster.brokers.length > 0 && cluster.controller !== null) return cluster;
      lastError = new Error('no broker or controller in the cluster metadata yet');
    } catch (e) {
      lastError = e;
    }
    if (pid !== undefined && !isAlive(pid)) throw fail('EXITED', `the broker (pid ${pid}) exited while starting`);
    if (Date.now() > deadline) {
      throw fail('NOT_READY', `${host}:${port} is open but did not answer a Kafka Metadata request within ${timeoutMs} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    }
    await sleep(250);
  }
}

/**
 * @typedef {{ clusterId: string | null, controller: number | null, brokers: { nodeId: number, host: string, port: number }[] }} ClusterMetadata
 */

const METADATA_API_KEY = 3;
// v8: the last version before the protocol's "flexible" encoding (tagged fields, compact strings),
// so plain big-endian fields suffice. Kafka 4.4 answers Metadata v0-v13 (kafka-broker-api-versions).
const METADATA_VERSION = 8;
const CLIENT_ID = 'kafka-local-readiness';

/**
 * A Metadata request for no topics (request header v1, body v8), with its 4-byte size prefix.
 * @param {number} correlationId
 */
export function metadataRequest(correlationId) {
  const clientId = Buffer.from(CLIENT_ID, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 3);
  let at = body.writeInt16BE(METADATA_API_KEY, 0);
  at = body.writeInt16BE(METADATA_VERSION, at);
  at = body.writeInt32BE(correlationId, at);
  at = body.writeInt16BE(clientId.length, at);
  at += clientId.copy(body, at);
  // topics: an empty array asks for none (null would ask for all of them).
  at = body.writeInt32BE(0, at);
  // allow_auto_topic_creation, include_cluster_authorized_operations, include_topic_authorized_operations
  body.fill(0, at);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/**
 * The brokers, cluster id and controller of a Metadata v8 response (without its size prefix); the
 * topic part that follows is not read.
 * @param {Buffer} response
 * @param {number} correlationId
 * @returns {ClusterMetadata}
 */
export function parseMetadataResponse(response, correlationId) {
  let at = 0;
  const need = (/** @type {number} */ bytes) => {
    if (at + bytes > response.length) throw new Error(`the Metadata response is cut short (${response.length} bytes)`);
  };
  const int16 = () => (need(2), (at += 2), response.readInt16BE(at - 2));
  const int32 = () => (need(4), (at += 4), response.readInt32BE(at - 4));
  const nullableString = () => {
    const length = int16();
    if (length < 0) return null;
    need(length);
    at += length;
    return response.toString('utf8', at - length, at);
  };
  const received = int32();
  if (received !== correlationId) throw new Error(`the Metadata response carries correlation id ${received}, expected ${correlationId}`);
  int32(); // throttle_time_ms
  const count = int32();
  if (count < 0 || count > 10_000) throw new Error(`the Metadata response claims ${count} brokers: not a Metadata v${METADATA_VERSION} response`);
  const brokers = [];
  for (let i = 0; i < count; i++) {
    const nodeId = int32();
    const host = nullableString() ?? '';
    const port = int32();
    nullableString(); // rack
    brokers.push({ nodeId, host, port });
  }
  const clusterId = nullableString();
  const controller = int32();
  return { clusterId, controller: controller < 0 ? null : controller, brokers };
}

let nextCorrelationId = 1;

/**
 * Sends one Metadata request on a fresh connection and reads the answer.
 * @param {{ host: string, port: number, timeoutMs: number }} o
 * @returns {Promise<ClusterMetadata>}
 */
export function requestMetadata({ host, port, timeoutMs }) {
  const correlationId = nextCorrelationId++ & 0x7fffffff;
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    /** @type {Buffer[]} */
    const chunks = [];
    let received = 0;
    let settled = false;
    const finish = (/** @type {() => void} */ settle) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      settle();
    };
    const failWith = (/** @type {string} */ why, /** @type {unknown} */ cause = undefined) =>
      finish(() => reject(new Error(`Metadata request to ${host}:${port}: ${why}`, cause === undefined ? undefined : { cause })));
    socket.setTimeout(timeoutMs, () => failWith(`no answer within ${timeoutMs} ms`));
    socket.once('error', (e) => failWith(e.message, e));
    socket.once('close', () => failWith(`the broker closed the connection ${received === 0 ? 'without answering' : `after ${received} bytes of the answer`}`));
    socket.once('connect', () => socket.write(metadataRequest(correlationId)));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      received += chunk.length;
      if (received < 4) return;
      const all = Buffer.concat(chunks);
      const size = all.readInt32BE(0);
      if (size < 0 || size > 64 * 1024 * 1024) return failWith(`an answer of ${size} bytes is not a Kafka response`);
      if (all.length < 4 + size) return;
      try {
        const metadata = parseMetadataResponse(all.subarray(4, 4 + size), correlationId);
        finish(() => resolve(metadata));
      } catch (e) {
        failWith(e instanceof Error ? e.message : String(e), e);
      }
    });
  });
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
