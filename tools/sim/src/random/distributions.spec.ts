import { describe, expect, it } from 'vitest';
import { apportion, calibratedIntercept, categoryOfLatent, logistic, normalCdf } from './distributions.js';
import { Rng } from './prng.js';

describe('normalCdf', () => {
  it('matches tabulated values', () => {
    // Standard normal table: Phi(0) = 0.5, Phi(1) = 0.841345, Phi(-1.96) = 0.024998, Phi(2.5) = 0.993790.
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1)).toBeCloseTo(0.841345, 5);
    expect(normalCdf(-1.96)).toBeCloseTo(0.024998, 5);
    expect(normalCdf(2.5)).toBeCloseTo(0.99379, 5);
  });
});

describe('categoryOfLatent', () => {
  it('gives each category its probability for a standard normal latent', () => {
    const probs = [0.15, 0.4, 0.33, 0.12];
    const rng = new Rng(1);
    const n = 100_000;
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[categoryOfLatent(rng.normal(), probs)]!++;
    probs.forEach((p, k) => expect(Math.abs(counts[k]! / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n)));
  });
});

describe('calibratedIntercept', () => {
  it('makes the expected share equal the target', () => {
    const probs = [0.2, 0.42, 0.28, 0.1];
    for (const target of [0.05, 0.5, 0.86, 0.92]) {
      const a = calibratedIntercept(target, 0.45, probs);
      const share = probs.reduce((s, p, k) => s + p * logistic(a + 0.45 * k), 0);
      expect(share).toBeCloseTo(target, 9);
    }
    expect(() => calibratedIntercept(1, 0.45, probs)).toThrow(RangeError);
  });
});

describe('apportion', () => {
  it('sums to the total and respects the minimum', () => {
    const parts = apportion([5, 1, 0.2, 0, 3.3], 100, 1);
    expect(parts.reduce((s, x) => s + x, 0)).toBe(100);
    expect(Math.min(...parts)).toBeGreaterThanOrEqual(1);
    expect(parts[0]).toBeGreaterThan(parts[4]!);
    expect(() => apportion([1, 1], 1, 1)).toThrow(RangeError);
  });
});
