import { disclosureDefaults } from '@npo/privacy';
import { describe, expect, it } from 'vitest';
import { type PublishedReport, withholdTrackedStatistics } from './publish.js';

const guard = 'evidence|NL|evaluated:B3:n';
const measuredGuard = 'evidence|NL|measured:B3:n';

/** A release whose evidence view shows B3's mean experienced effect over `schools` evaluations. */
function release(id: string, effects: readonly number[], measured = 0): PublishedReport {
  return {
    releaseId: id,
    asOf: '2022-07-31',
    basis: { asOf: '2022-07-31', schoolYears: [], years: {}, evidenceInterventions: ['B3'], nationalPopulation: 100 },
    cells: { [guard]: { value: effects.length }, [measuredGuard]: measured === 0 ? { value: null, reason: 'suppressed' } : { value: measured } },
    statistics: [
      { code: 'B3', guard, meanExperiencedEffect: effects.reduce((a, b) => a + b, 0) / effects.length, pooled: null },
      ...(measured === 0 ? [] : [{ code: 'B3', guard: measuredGuard, meanExperiencedEffect: null, pooled: null }]),
    ],
    disclosure: { parameters: disclosureDefaults, suppressed: measured === 0 ? [measuredGuard] : [], audit: { ok: true } },
  };
}

const mean = (r: PublishedReport): number | null | undefined => r.statistics.find((s) => s.guard === guard)?.meanExperiencedEffect;

describe('withholdTrackedStatistics', () => {
  const first = release('R1', [4, 3, 5, 4, 2]);

  it('withholds a mean whose group grew by one school since an earlier release: the difference is that school', () => {
    const second = release('R2', [4, 3, 5, 4, 2, 1]);
    // What an attacker would do with both figures published:
    expect(6 * (mean(second) ?? 0) - 5 * (mean(first) ?? 0)).toBeCloseTo(1);
    expect(mean(withholdTrackedStatistics(second, [first]))).toBeUndefined();
  });

  it('publishes it again once the group differs from every earlier one by at least the threshold', () => {
    const tenth = release('R3', [4, 3, 5, 4, 2, 1, 3, 3, 4, 5]);
    expect(mean(withholdTrackedStatistics(tenth, [first]))).toBe(mean(tenth));
    // ...but not while another earlier release is close: 10 vs 8 schools isolates two.
    expect(mean(withholdTrackedStatistics(tenth, [first, release('R2', [4, 3, 5, 4, 2, 1, 3, 3])]))).toBeUndefined();
  });

  it('keeps a mean first published, unchanged in size, or whose earlier figure was withheld', () => {
    expect(withholdTrackedStatistics(first, [])).toBe(first);
    expect(mean(withholdTrackedStatistics(release('R2', [4, 3, 5, 4, 3]), [first]))).toBeCloseTo(3.8);
    const withheld = { ...first, statistics: [] };
    expect(mean(withholdTrackedStatistics(release('R2', [4, 3, 5, 4, 2, 1]), [withheld]))).toBeCloseTo(19 / 6);
  });

  it('leaves statistics without a figure and other statistics alone', () => {
    const second = release('R2', [4, 3, 5, 4, 2, 1], 7);
    const result = withholdTrackedStatistics(second, [first]);
    expect(result.statistics.map((s) => s.guard)).toEqual([measuredGuard]);
  });
});
