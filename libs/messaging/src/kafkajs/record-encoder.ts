import { createRequire } from 'node:module';

/*
 * kafkajs (2.2.4, its last release) encodes every record of a produce request with fresh 512-byte
 * zero-filled buffers: one for the record and one per header, then copies them together. With four
 * headers per event that allocation and the garbage it leaves were a third of the relay's CPU. This
 * module replaces kafkajs' record encoder (protocol/recordBatch/record/v0) with one that writes the
 * same bytes into a single buffer of the exact size. Everything else (batches, CRC, sequence numbers,
 * retries) stays kafkajs'. The replacement is installed before kafkajs loads its produce request
 * encoder; it produces byte-identical output (checked against the original in record-encoder.spec.ts)
 * and hands anything unusual (non-text header values, numbers as keys) to the original.
 */

type Bytes = string | Buffer | null | undefined;
type HeaderValue = string | Buffer;
export interface RecordInput {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
  readonly key?: Bytes;
  readonly value?: Bytes;
  readonly headers?: Readonly<Record<string, HeaderValue | readonly HeaderValue[] | undefined>>;
}

/** What kafkajs' batch encoder reads from a record: an Encoder-like object with `buf` and `buffer`. */
export interface EncodedRecord {
  readonly buf: Buffer;
  readonly offset: number;
  readonly buffer: Buffer;
  size(): number;
}
export type RecordEncoder = (input: RecordInput) => EncodedRecord;

const zigzag32 = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;

function sizeOfUVarInt(u: number): number {
  let bytes = 1;
  while (u >= 0x80) {
    u >>>= 7;
    bytes++;
  }
  return bytes;
}

function writeUVarInt(buf: Buffer, offset: number, u: number): number {
  while (u >= 0x80) {
    buf[offset++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[offset++] = u;
  return offset;
}

const SMALL = 2 ** 30;

/** Zigzag varlong as kafkajs writes it (64-bit): numbers well inside int32 take the 32-bit path. */
function varLongBytes(v: number): number[] | undefined {
  if (Number.isInteger(v) && v > -SMALL && v < SMALL) return undefined;
  let z = BigInt.asUintN(64, (BigInt(Math.trunc(v)) << 1n) ^ (BigInt(Math.trunc(v)) >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) {
    out.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  out.push(Number(z));
  return out;
}

const byteLength = (v: string | Buffer): number => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length);

function writeBytes(buf: Buffer, offset: number, v: string | Buffer, length: number): number {
  if (typeof v === 'string') buf.write(v, offset, length, 'utf8');
  else v.copy(buf, offset);
  return offset + length;
}

const isBytes = (v: unknown): v is string | Buffer => typeof v === 'string' || Buffer.isBuffer(v);

/** A record encoder writing kafkajs' bytes in one allocation; `fallback` (kafkajs' own) takes unusual input. */
export function singleBufferRecordEncoder(fallback: RecordEncoder): RecordEncoder {
  return (input) => {
    const { offsetDelta = 0, timestampDelta = 0, key, value, headers = {} } = input;
    if ((key != null && !isBytes(key)) || (value != null && !isBytes(value)) || !Number.isInteger(offsetDelta) || Math.abs(offsetDelta) >= SMALL) return fallback(input);
    const names: string[] = [];
    const values: HeaderValue[] = [];
    for (const name of Object.keys(headers)) {
      const h = headers[name];
      if (Array.isArray(h)) {
        for (const v of h as readonly unknown[]) {
          if (!isBytes(v)) return fallback(input);
          names.push(name);
          values.push(v);
        }
      } else {
        if (!isBytes(h)) return fallback(input);
        names.push(name);
        values.push(h);
      }
    }
    const longTs = varLongBytes(timestampDelta);
    const ts = longTs === undefined ? zigzag32(timestampDelta) : 0;
    const od = zigzag32(offsetDelta);
    const keyLength = key == null ? -1 : byteLength(key);
    const valueLength = value == null ? -1 : byteLength(value);
    const nameLengths = names.map((n) => Buffer.byteLength(n, 'utf8'));
    const valueLengths = values.map(byteLength);

    let body = 1 + (longTs === undefined ? sizeOfUVarInt(ts) : longTs.length) + sizeOfUVarInt(od);
    body += sizeOfUVarInt(zigzag32(keyLength)) + Math.max(0, keyLength);
    body += sizeOfUVarInt(zigzag32(valueLength)) + Math.max(0, valueLength);
    body += sizeOfUVarInt(zigzag32(names.length));
    for (let i = 0; i < names.length; i++) {
      body += sizeOfUVarInt(zigzag32(nameLengths[i]!)) + nameLengths[i]!;
      body += sizeOfUVarInt(zigzag32(valueLengths[i]!)) + valueLengths[i]!;
    }
    const total = sizeOfUVarInt(zigzag32(body)) + body;

    const buf = Buffer.allocUnsafe(total);
    let o = writeUVarInt(buf, 0, zigzag32(body));
    buf[o++] = 0; // attributes: none are used on records
    if (longTs === undefined) o = writeUVarInt(buf, o, ts);
    else for (const b of longTs) buf[o++] = b;
    o = writeUVarInt(buf, o, od);
    o = writeUVarInt(buf, o, zigzag32(keyLength));
    if (key != null) o = writeBytes(buf, o, key, keyLength);
    o = writeUVarInt(buf, o, zigzag32(valueLength));
    if (value != null) o = writeBytes(buf, o, value, valueLength);
    o = writeUVarInt(buf, o, zigzag32(names.length));
    for (let i = 0; i < names.length; i++) {
      o = writeUVarInt(buf, o, zigzag32(nameLengths[i]!));
      o = writeBytes(buf, o, names[i]!, nameLengths[i]!);
      o = writeUVarInt(buf, o, zigzag32(valueLengths[i]!));
      o = writeBytes(buf, o, values[i]!, valueLengths[i]!);
    }
    return { buf, offset: o, buffer: buf, size: () => o };
  };
}

const require = createRequire(import.meta.url);
const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
const PRODUCE_REQUEST_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request.js';

/** kafkajs' own record encoder (the reference, and the fallback). */
export function kafkajsRecordEncoder(): RecordEncoder {
  const cached = require.cache[require.resolve(RECORD_MODULE)] as { exports: RecordEncoder & { original?: RecordEncoder } } | undefined;
  const current = cached?.exports ?? (require(RECORD_MODULE) as RecordEncoder & { original?: RecordEncoder });
  return current.original ?? current;
}

export type InstallOutcome = 'installed' | 'already-installed' | 'too-late' | 'unavailable';

/**
 * Makes kafkajs use the single-buffer encoder. Must run before kafkajs loads its produce request
 * encoder (which keeps the encoder it found): `too-late` when that already happened, `unavailable`
 * when kafkajs' layout differs. Either way kafkajs keeps working, only slower.
 */
export function installRecordEncoder(): InstallOutcome {
  let recordPath: string;
  let requestPath: string;
  try {
    recordPath = require.resolve(RECORD_MODULE);
    requestPath = require.resolve(PRODUCE_REQUEST_MODULE);
  } catch {
    return 'unavailable';
  }
  const original = require(recordPath) as unknown;
  const module = require.cache[recordPath];
  if (typeof original !== 'function' || module === undefined) return 'unavailable';
  if ((original as { original?: unknown }).original !== undefined) return 'already-installed';
  if (require.cache[requestPath] !== undefined) return 'too-late';
  const fast = singleBufferRecordEncoder(original as RecordEncoder);
  module.exports = Object.assign((input: RecordInput) => fast(input), { original });
  return 'installed';
}
