import { disclosureDefaults } from '@npo/privacy';
import { describe, expect, it } from 'vitest';
import { earlierStatisticsOf, type PublishedReport, statisticGroups, withholdTrackedStatistics } from './publish.js';

const guard = 'evidence|NL|evaluated:B3:n';
const measuredGuard = 'evidence|NL|measured:B3:n';

/** An evaluation of B3 by one school: who, and the effect it experienced. */
type Evaluation = readonly [string, number];

/** A release whose evidence view shows B3's mean experienced effect over `evaluations`, and its groups. */
function release(id: string, evaluations: readonly Evaluation[], measured: readonly string[] = []) {
  const report: PublishedReport = {
    releaseId: id,
    asOf: '2022-07-31',
    basis: { asOf: '2022-07-31', schoolYears: [], years: {}, evidenceInterventions: ['B3'], nationalPopulation: 100 },
    cells: { [guard]: { value: evaluations.length }, [measuredGuard]: measured.length === 0 ? { value: null, reason: 'suppressed' } : { value: measured.length } },
    statistics: [
      { code: 'B3', guard, meanExperiencedEffect: evaluations.reduce((a, [, e]) => a + e, 0) / evaluations.length, pooled: null },
      ...(measured.length === 0 ? [] : [{ code: 'B3', guard: measuredGuard, meanExperiencedEffect: null, pooled: null }]),
    ],
    disclosure: { parameters: disclosureDefaults, suppressed: measured.length === 0 ? [measuredGuard] : [], audit: { ok: true } },
  };
  const groups = statisticGroups([
    { guard, contributors: evaluations.map(([who]) => who) },
    { guard: measuredGuard, contributors: [...measured] },
  ]);
  return { report, groups };
}

const mean = (r: PublishedReport): number | null | undefined => r.statistics.find((s) => s.guard === guard)?.meanExperiencedEffect;
const five: Evaluation[] = [['a', 4], ['b', 3], ['c', 5], ['d', 4], ['e', 2]];

describe('withholdTrackedStatistics', () => {
  const first = release('R1', five);

  it('withholds a mean whose group grew by one school since an earlier release: the difference is that school', () => {
    const second = release('R2', [...five, ['f', 1]]);
    // What an attacker would do with both figures published:
    expect(6 * (mean(second.report) ?? 0) - 5 * (mean(first.report) ?? 0)).toBeCloseTo(1);
    expect(mean(withholdTrackedStatistics(second.report, second.groups, [first]))).toBeUndefined();
  });

  it('withholds a mean of the same size when one school left and another came: 5·(m2 − m1) is their difference', () => {
    const swapped = release('R2', [...five.slice(0, 4), ['f', 5]]);
    expect(5 * ((mean(swapped.report) ?? 0) - (mean(first.report) ?? 0))).toBeCloseTo(5 - 2);
    expect(mean(withholdTrackedStatistics(swapped.report, swapped.groups, [first]))).toBeUndefined();
    // With only the earlier size kept (a release made before groups were), sizes are all it can compare.
    expect(mean(withholdTrackedStatistics(swapped.report, swapped.groups, [{ report: first.report }]))).toBe(mean(swapped.report));
  });

  it('publishes it again once the group differs from every earlier one by at least the threshold', () => {
    const tenth = release('R3', [...five, ['f', 1], ['g', 3], ['h', 3], ['i', 4], ['j', 5]]);
    expect(mean(withholdTrackedStatistics(tenth.report, tenth.groups, [first]))).toBe(mean(tenth.report));
    // ...but not while another earlier release is close: 10 vs 8 evaluations isolates two.
    const eighth = release('R2', [...five, ['f', 1], ['g', 3], ['h', 3]]);
    expect(mean(withholdTrackedStatistics(tenth.report, tenth.groups, [first, eighth]))).toBeUndefined();
  });

  it('keeps a mean first published, over the same group, or whose earlier figure was withheld', () => {
    expect(withholdTrackedStatistics(first.report, first.groups, [])).toBe(first.report);
    const sameGroup = release('R2', [...five.slice(0, 4), ['e', 3]]);
    expect(mean(withholdTrackedStatistics(sameGroup.report, sameGroup.groups, [first]))).toBeCloseTo(3.8);
    const withheld = { report: { ...first.report, statistics: [] }, groups: first.groups };
    const sixth = release('R2', [...five, ['f', 1]]);
    expect(mean(withholdTrackedStatistics(sixth.report, sixth.groups, [withheld]))).toBeCloseTo(19 / 6);
  });

  it('decides the same from an earlier release kept as its statistics and their guard cells only', () => {
    const bigger = { ...first.report, cells: { ...first.report.cells, 'evidence|NL|evaluated:C1:n': { value: 40 } } };
    const kept = earlierStatisticsOf(bigger, first.groups);
    expect(Object.keys(kept.report.cells).sort()).toEqual([guard]);
    for (const later of [release('R2', [...five, ['f', 1]]), release('R2', [...five.slice(0, 4), ['f', 5]]), release('R2', [...five.slice(0, 4), ['e', 3]])]) {
      expect(withholdTrackedStatistics(later.report, later.groups, [kept])).toEqual(withholdTrackedStatistics(later.report, later.groups, [{ report: bigger, groups: first.groups }]));
      // Without groups only the guard cell's size is compared: it must be among what was kept.
      expect(withholdTrackedStatistics(later.report, later.groups, [earlierStatisticsOf(bigger)])).toEqual(withholdTrackedStatistics(later.report, later.groups, [{ report: bigger }]));
    }
  });

  it('leaves statistics without a figure alone, and withholds one whose group is unknown', () => {
    const second = release('R2', [...five, ['f', 1]], ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(withholdTrackedStatistics(second.report, second.groups, [first]).statistics.map((s) => s.guard)).toEqual([measuredGuard]);
    expect(mean(withholdTrackedStatistics(first.report, new Map(), []))).toBeUndefined();
  });
});
