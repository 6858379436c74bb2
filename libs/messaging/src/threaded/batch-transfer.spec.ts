import { describe, expect, it } from 'vitest';
import type { ReceivedBatch } from '../port/consumer.js';
import type { ReceivedMessage } from '../port/message.js';
import { packBatch, unpackBatch } from './batch-transfer.js';

const message = (offset: bigint, key: Buffer | null, value: Buffer | null, headers: Record<string, string> = {}): ReceivedMessage => ({
  topic: 't',
  partition: 2,
  offset,
  key,
  value,
  headers,
  timestamp: 1_700_000_000_000 + Number(offset),
});

const batchOf = (messages: ReceivedMessage[]): ReceivedBatch => ({
  topic: 't',
  partition: 2,
  messages,
  fromOffset: 10n,
  nextOffset: (messages.at(-1)?.offset ?? 9n) + 1n,
  highWatermark: 99n,
});

/** What a worker thread's postMessage does to the packed batch: a structured clone, the buffers moved. */
function acrossThreads(batch: ReceivedBatch): ReceivedBatch {
  const { packed, transfer } = packBatch(batch);
  return unpackBatch(structuredClone(packed, { transfer }));
}

describe('a batch packed for the trip between threads', () => {
  it('arrives with every key, value, header, offset and timestamp as it was, null and empty kept apart', () => {
    const binary = Buffer.from([0, 255, 1, 254, 0xc3]);
    const batch = batchOf([
      message(10n, Buffer.from('school-1'), Buffer.from('{"a":"é€"}'), { 'npo-event-id': 'x', 'npo-type': 'y' }),
      message(11n, null, null),
      message(12n, Buffer.alloc(0), Buffer.alloc(0)),
      message(13n, binary, binary, { h: '' }),
      message(9_007_199_254_740_993n, Buffer.from('k'), Buffer.from('v')),
    ]);
    const back = acrossThreads(batch);
    expect(back).toEqual(batch);
    expect(back.messages[1]?.key).toBeNull();
    expect(back.messages[2]?.key).toEqual(Buffer.alloc(0));
    expect(back.messages.map((m) => m.value?.toString('utf8'))).toEqual(batch.messages.map((m) => m.value?.toString('utf8')));
  });

  it('moves its buffers rather than copying them: the sender keeps none of it', () => {
    const { packed, transfer } = packBatch(batchOf([message(10n, Buffer.from('k'), Buffer.from('value'))]));
    structuredClone(packed, { transfer });
    expect(packed.bytes.byteLength).toBe(0);
    expect(packed.offsets.length).toBe(0);
  });

  it('gives each message its own slice: values side by side never run into each other', () => {
    const values = Array.from({ length: 500 }, (_, i) => Buffer.from('x'.repeat(i % 37) + String(i)));
    const back = acrossThreads(batchOf(values.map((v, i) => message(BigInt(10 + i), Buffer.from(`k${i}`), v))));
    expect(back.messages.map((m) => m.value?.toString())).toEqual(values.map((v) => v.toString()));
    expect(back.messages.map((m) => m.key?.toString())).toEqual(values.map((_, i) => `k${i}`));
  });
});
