import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kafkajsRecordEncoder, singleBufferRecordEncoder, type RecordInput } from './record-encoder.js';

// kafkajs' own encoder is the reference: the replacement must put exactly the same bytes on the wire.
const reference = kafkajsRecordEncoder();
const fast = singleBufferRecordEncoder(reference);

const bytes = fc.oneof(fc.constant(null), fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)));
const headerValue = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)));
const headers = fc.dictionary(fc.string({ unit: 'binary', maxLength: 20 }), fc.oneof(headerValue, fc.array(headerValue, { maxLength: 3 })), { maxKeys: 6 });
const record = fc.record(
  {
    offsetDelta: fc.integer({ min: 0, max: 2 ** 20 }),
    timestampDelta: fc.oneof(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), fc.constant(0), fc.integer({ min: -1e15, max: 1e15 })),
    key: bytes,
    value: bytes,
    headers,
  },
  { requiredKeys: ['key', 'value'] },
);

describe('single-buffer record encoder', () => {
  it("writes exactly kafkajs' bytes for any key, value, headers, offset and timestamp delta", () => {
    fc.assert(
      fc.property(record, (input) => {
        const ours = fast(input as RecordInput);
        expect(Buffer.compare(ours.buffer, reference(input as RecordInput).buffer)).toBe(0);
        expect(ours.size()).toBe(ours.buffer.length);
      }),
      { numRuns: 3_000 },
    );
  });

  it('writes an NPO envelope message like kafkajs does', () => {
    const input: RecordInput = {
      offsetDelta: 4_321,
      timestampDelta: 0,
      key: 'school-12AB',
      value: JSON.stringify({ id: 'e-1', type: 'npo.FundsAllocated', data: { brin: '12AB', naam: 'Basisschool Één' } }),
      headers: { 'event-id': 'e-1', 'event-type': 'npo.FundsAllocated', 'schema-version': '1', 'global-position': '987654' },
    };
    expect(fast(input).buffer.equals(reference(input).buffer)).toBe(true);
  });

  it('hands input it does not handle (here a number as header value, which kafkajs refuses) to the fallback', () => {
    const calls: RecordInput[] = [];
    const marker = reference({ key: 'fallback', value: null });
    const withFallback = singleBufferRecordEncoder((input) => {
      calls.push(input);
      return marker;
    });
    const odd = { key: 'k', value: 'v', headers: { n: 7 as unknown as string } };
    expect(withFallback(odd)).toBe(marker);
    expect(calls).toEqual([odd]);
    expect(() => reference(odd)).toThrow();
  });
});
