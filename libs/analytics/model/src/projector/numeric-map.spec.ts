import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NumericMap } from './numeric-map.js';

type Op = { readonly kind: 'set'; readonly key: number; readonly value: number } | { readonly kind: 'delete'; readonly key: number };

// Few distinct keys, so sets, overwrites and deletes of the same key meet; some keys far above 2^32.
const key = fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 2_000 }).map((k) => k * 2 ** 40 + 7));
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key }),
);

describe('NumericMap', () => {
  it('behaves like a Map under any sequence of sets and deletes (growth and backward-shift deletion included)', () => {
    fc.assert(
      fc.property(fc.noBias(fc.array(op, { minLength: 1_000, maxLength: 4_000 })), (ops) => {
        const map = new NumericMap();
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            map.set(o.key, o.value);
            model.set(o.key, o.value);
          } else expect(map.delete(o.key)).toBe(model.delete(o.key));
        }
        expect(map.size).toBe(model.size);
        for (const [k, v] of model) expect(map.get(k)).toBe(v);
        expect(new Map(map.entries())).toEqual(model);
        for (let k = 0; k <= 2_000; k++) if (!model.has(k)) expect(map.get(k)).toBeUndefined();
      }),
      { numRuns: 50 },
    );
  });

  it('keeps every entry through many resizes', () => {
    const map = new NumericMap();
    for (let i = 0; i < 100_000; i++) map.set(i * 1_024 + 3, i);
    for (let i = 0; i < 100_000; i += 2) map.delete(i * 1_024 + 3);
    expect(map.size).toBe(50_000);
    expect(map.get(99_999 * 1_024 + 3)).toBe(99_999);
    expect(map.get(99_998 * 1_024 + 3)).toBeUndefined();
  });

  it('refuses keys it cannot store exactly', () => {
    const map = new NumericMap();
    for (const bad of [-1, 0.5, 2 ** 53, Number.NaN]) expect(() => map.set(bad, 1)).toThrow(RangeError);
  });
});
