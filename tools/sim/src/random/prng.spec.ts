import { describe, expect, it } from 'vitest';
import { derive, hashLabels, Rng } from './prng.js';

describe('Rng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new Rng(123);
    const b = new Rng(123);
    const c = new Rng(124);
    const seqA = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(seqA);
    for (const x of seqA) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
  });

  it('draws floats in [0, 1) that are uniform enough (chi-square over 20 bins)', () => {
    const rng = new Rng(7);
    const bins = new Array<number>(20).fill(0);
    const n = 200_000;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.float();
      min = Math.min(min, x);
      max = Math.max(max, x);
      bins[Math.floor(x * 20)]!++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const expected = n / 20;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: the 99.99th percentile is about 49.
    expect(chi2).toBeLessThan(49);
  });

  it('keeps int() inside its bounds and reaches both ends', () => {
    const rng = new Rng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(rng.int(-3, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(() => rng.int(2, 1)).toThrow(RangeError);
  });

  it('draws standard normals (mean 0, variance 1 within sampling error)', () => {
    const rng = new Rng(11);
    const n = 100_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      sq += x * x;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    // Var of the sample variance of N(0,1) is 2/n.
    expect(Math.abs(variance - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('weighted() follows the weights', () => {
    const rng = new Rng(5);
    const counts = { a: 0, b: 0, c: 0 };
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[rng.weighted(['a', 'b', 'c'] as const, [1, 2, 3])]++;
    expect(Math.abs(counts.c / n - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / n));
    expect(Math.abs(counts.a / n - 1 / 6)).toBeLessThan(4 * Math.sqrt((1 / 6) * (5 / 6) / n));
  });

  it('shuffles to a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = new Rng(3).shuffled(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
    expect(shuffled).not.toEqual(items);
  });
});

describe('derive', () => {
  it('gives the same stream for the same labels, whatever was drawn elsewhere', () => {
    const first = derive(42, 'school', '16SW', 2021).nextU32();
    const other = derive(42, 'school', '17AB', 2021);
    for (let i = 0; i < 100; i++) other.nextU32();
    expect(derive(42, 'school', '16SW', 2021).nextU32()).toBe(first);
  });

  it('separates label boundaries and numbers from strings', () => {
    expect(hashLabels(['ab', 'c'])).not.toBe(hashLabels(['a', 'bc']));
    expect(hashLabels([1])).not.toBe(hashLabels(['1']));
    expect(derive(1, 'x').nextU32()).not.toBe(derive(2, 'x').nextU32());
  });
});
