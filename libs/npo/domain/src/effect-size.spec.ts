import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { effectSizeBandForMonths, effectSizeBands, monthsForEffectSize } from './effect-size.js';

describe('months <-> effect size (EEF convention)', () => {
  it.each([
    [1, 0.06, 0.09],
    [2, 0.1, 0.18],
    [4, 0.27, 0.35],
    [8, 0.62, 0.69],
  ])('+%d months = g %f..%f', (months, min, max) => {
    expect(effectSizeBandForMonths(months)).toEqual({ months, min, max });
  });
  it('has no band outside +1..+8', () => {
    expect(effectSizeBandForMonths(0)).toBeUndefined();
    expect(effectSizeBandForMonths(9)).toBeUndefined();
  });
  it('bands are ordered and do not overlap', () => {
    for (let i = 1; i < effectSizeBands.length; i++) {
      expect(effectSizeBands[i]!.min).toBeGreaterThan(effectSizeBands[i - 1]!.max);
    }
  });
  it.each([
    [0.06, 1],
    [0.095, 1],
    [0.1, 2],
    [0.21, 3],
    [0.44, 5],
    [0.695, 8],
    [0.05, undefined],
    [0.7, undefined],
    [-0.3, undefined],
    [Number.NaN, undefined],
  ])('g = %f -> %s months', (g, months) => {
    expect(monthsForEffectSize(g)).toBe(months);
  });
  it('maps every value inside a band back to that band', () => {
    const bandAndValue = fc
      .constantFrom(...effectSizeBands)
      .chain((b) => fc.tuple(fc.constant(b), fc.double({ min: b.min, max: b.max, noNaN: true })));
    fc.assert(fc.property(bandAndValue, ([band, g]) => monthsForEffectSize(g) === band.months));
  });
});
