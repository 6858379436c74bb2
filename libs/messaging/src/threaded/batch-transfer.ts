import type { ReceivedBatch } from '../port/consumer.js';
import type { MessageHeaders, ReceivedMessage } from '../port/message.js';

/**
 * A batch as it crosses from the consumer thread to the caller's: keys and values copied into one
 * buffer, numbers into typed arrays, all of them transferred (moved, not copied) by postMessage. Only
 * the headers go through structured cloning.
 */
export interface PackedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly fromOffset: bigint;
  readonly nextOffset: bigint;
  readonly highWatermark: bigint;
  readonly offsets: BigInt64Array;
  readonly timestamps: Float64Array;
  /** Per message: key start, key length, value start, value length in `bytes`; a length of -1 is null. */
  readonly layout: Int32Array;
  readonly bytes: ArrayBuffer;
  readonly headers: readonly MessageHeaders[];
}

const NULL_LENGTH = -1;

export function packBatch(batch: ReceivedBatch): { readonly packed: PackedBatch; readonly transfer: ArrayBuffer[] } {
  const n = batch.messages.length;
  let size = 0;
  for (const m of batch.messages) size += (m.key?.length ?? 0) + (m.value?.length ?? 0);
  // Not from Buffer's shared pool: the whole ArrayBuffer is handed over.
  const bytes = new Uint8Array(new ArrayBuffer(size));
  const layout = new Int32Array(n * 4);
  const offsets = new BigInt64Array(n);
  const timestamps = new Float64Array(n);
  const headers: MessageHeaders[] = new Array<MessageHeaders>(n);
  let at = 0;
  const put = (part: Buffer | null, slot: number): void => {
    if (part === null) {
      layout[slot] = 0;
      layout[slot + 1] = NULL_LENGTH;
      return;
    }
    bytes.set(part, at);
    layout[slot] = at;
    layout[slot + 1] = part.length;
    at += part.length;
  };
  for (let i = 0; i < n; i++) {
    const m = batch.messages[i] as ReceivedMessage;
    put(m.key, i * 4);
    put(m.value, i * 4 + 2);
    offsets[i] = m.offset;
    timestamps[i] = m.timestamp;
    headers[i] = m.headers;
  }
  const packed: PackedBatch = {
    topic: batch.topic,
    partition: batch.partition,
    fromOffset: batch.fromOffset,
    nextOffset: batch.nextOffset,
    highWatermark: batch.highWatermark,
    offsets,
    timestamps,
    layout,
    bytes: bytes.buffer,
    headers,
  };
  return { packed, transfer: [bytes.buffer, layout.buffer, offsets.buffer, timestamps.buffer] };
}

/** The batch again, its keys and values views into the one transferred buffer. */
export function unpackBatch(packed: PackedBatch): ReceivedBatch {
  const { topic, partition, layout, bytes } = packed;
  const part = (slot: number): Buffer | null => {
    const length = layout[slot + 1] as number;
    return length === NULL_LENGTH ? null : Buffer.from(bytes, layout[slot] as number, length);
  };
  const messages: ReceivedMessage[] = new Array<ReceivedMessage>(packed.offsets.length);
  for (let i = 0; i < messages.length; i++) {
    messages[i] = {
      topic,
      partition,
      offset: packed.offsets[i] as bigint,
      key: part(i * 4),
      value: part(i * 4 + 2),
      headers: packed.headers[i] as MessageHeaders,
      timestamp: packed.timestamps[i] as number,
    };
  }
  return { topic, partition, messages, fromOffset: packed.fromOffset, nextOffset: packed.nextOffset, highWatermark: packed.highWatermark };
}
