import { describe, expect, it } from 'vitest';
import { poolRandomEffects, studyVariance } from './random-effects.js';

describe('DerSimonian-Laird pooling', () => {
  it('reproduces a hand-computed example with heterogeneity', () => {
    // Three schools; variances from 4/n + g^2/(2n), then the textbook DL steps, done here by hand.
    const studies = [
      { effectSize: 0.1, pupils: 40 },
      { effectSize: 0.5, pupils: 80 },
      { effectSize: 0.9, pupils: 50 },
    ];
    const v = [4 / 40 + 0.01 / 80, 4 / 80 + 0.25 / 160, 4 / 50 + 0.81 / 100];
    const w = v.map((x) => 1 / x);
    const sw = w[0]! + w[1]! + w[2]!;
    const fixed = (w[0]! * 0.1 + w[1]! * 0.5 + w[2]! * 0.9) / sw;
    const q = w[0]! * (0.1 - fixed) ** 2 + w[1]! * (0.5 - fixed) ** 2 + w[2]! * (0.9 - fixed) ** 2;
    const c = sw - (w[0]! ** 2 + w[1]! ** 2 + w[2]! ** 2) / sw;
    const tau2 = Math.max(0, (q - 2) / c);
    const ws = v.map((x) => 1 / (x + tau2));
    const est = (ws[0]! * 0.1 + ws[1]! * 0.5 + ws[2]! * 0.9) / (ws[0]! + ws[1]! + ws[2]!);
    const se = Math.sqrt(1 / (ws[0]! + ws[1]! + ws[2]!));

    const pooled = poolRandomEffects(studies);
    expect(studyVariance(studies[0]!)).toBeCloseTo(v[0]!, 12);
    expect(pooled?.tau2).toBeGreaterThan(0);
    expect(pooled?.tau2).toBeCloseTo(tau2, 12);
    expect(pooled?.estimate).toBeCloseTo(est, 12);
    expect(pooled?.lower).toBeCloseTo(est - 1.96 * se, 3);
    expect(pooled?.upper).toBeCloseTo(est + 1.96 * se, 3);
    expect(pooled?.i2).toBeCloseTo((q - 2) / q, 12);
    expect(pooled?.pupils).toBe(170);
  });

  it('equals the fixed-effect mean when the schools agree (tau^2 = 0)', () => {
    const pooled = poolRandomEffects([
      { effectSize: 0.3, pupils: 60 },
      { effectSize: 0.3, pupils: 30 },
    ]);
    expect(pooled?.tau2).toBe(0);
    expect(pooled?.estimate).toBeCloseTo(0.3, 12);
    expect(pooled?.i2).toBe(0);
  });

  it('gives one study its own interval and nothing for none', () => {
    const one = poolRandomEffects([{ effectSize: 0.4, pupils: 100 }]);
    const se = Math.sqrt(4 / 100 + 0.16 / 200);
    expect(one?.lower).toBeCloseTo(0.4 - 1.959964 * se, 6);
    expect(poolRandomEffects([])).toBeUndefined();
  });

  it('narrows the interval as schools are added', () => {
    const few = poolRandomEffects(Array.from({ length: 3 }, () => ({ effectSize: 0.2, pupils: 50 })));
    const many = poolRandomEffects(Array.from({ length: 30 }, () => ({ effectSize: 0.2, pupils: 50 })));
    expect((many?.upper ?? 0) - (many?.lower ?? 0)).toBeLessThan((few?.upper ?? 0) - (few?.lower ?? 0));
  });
});
