import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalKeyError, intervalKey } from './interval-keys.js';

const brin = fc
  .tuple(fc.integer({ min: 0, max: 99 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), fc.option(fc.integer({ min: 0, max: 99 })))
  .map(([n, a, b, s]) => `${String(n).padStart(2, '0')}${a}${b}${s === null ? '' : String(s).padStart(2, '0')}`);
const year = fc.integer({ min: 0, max: 9998 }).map((y) => `${String(y).padStart(4, '0')}-${String(y + 1).padStart(4, '0')}`);
const code = fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'), fc.integer({ min: 1, max: 99 })).map(([l, n]) => `${l}${n}`);
const key = fc.tuple(brin, fc.option(year, { nil: undefined }), fc.option(code, { nil: undefined }));

describe('intervalKey', () => {
  it('gives different keys to different (brin, year, code) and the same key to the same', () => {
    fc.assert(
      fc.property(key, key, ([b1, y1, c1], [b2, y2, c2]) => {
        const same = b1 === b2 && y1 === y2 && c1 === c2;
        expect(intervalKey(b1, y1, c1) === intervalKey(b2, y2, c2)).toBe(same);
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells apart the cases a sloppy packing would merge', () => {
    expect(intervalKey('16SW')).not.toBe(intervalKey('16SW00'));
    expect(intervalKey('16SW', '2021-2022')).not.toBe(intervalKey('16SW'));
    expect(intervalKey('16SW', '2021-2022', 'B3')).not.toBe(intervalKey('16SW', '2021-2022', 'B30'));
    expect(intervalKey('16SW', '0000-0001')).not.toBe(intervalKey('16SW'));
  });

  it('stays a safe integer at the top of every range', () => {
    expect(Number.isSafeInteger(intervalKey('99ZZ99', '9998-9999', 'F99'))).toBe(true);
  });

  it('refuses values outside the contract formats instead of folding them onto a valid key', () => {
    for (const [b, y, c] of [
      ['16sw', undefined, undefined],
      ['16SW0', undefined, undefined],
      ['16SW', '2021-2023', undefined],
      ['16SW', '+202-0203', undefined],
      ['16SW', '2021-2022', 'G1'],
      ['16SW', '2021-2022', 'B0'],
      ['16SW', '2021-2022', 'B03'],
    ] as const) {
      expect(() => intervalKey(b, y, c), `${b} ${y} ${c}`).toThrow(IntervalKeyError);
    }
  });
});
