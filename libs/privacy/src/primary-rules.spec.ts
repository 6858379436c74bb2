import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type AmountCell, type CountCell } from './model.js';
import { disclosureDefaults, resolveParameters } from './parameters.js';
import { failsNk, failsPPercent, primaryReason } from './primary-rules.js';

const count = (value: number, population: number): CountCell => ({ id: 'c', kind: 'count', value, population });
const amount = (contributions: number[], population?: number): AmountCell => ({
  id: 'a',
  kind: 'amount',
  value: contributions.reduce((a, b) => a + b, 0),
  contributions,
  ...(population === undefined ? {} : { population }),
});
const euros = (n: number): number => n * 100;

describe('threshold rule', () => {
  it.each([1, 2, 3, 4])('suppresses a count of %i schools', (n) => {
    expect(primaryReason(count(n, 500), disclosureDefaults)).toBe('threshold');
  });

  it('publishes 5 schools and more in a large unit', () => {
    expect(primaryReason(count(5, 500), disclosureDefaults)).toBeNull();
    expect(primaryReason(count(250, 500), disclosureDefaults)).toBeNull();
  });

  it('leaves zero to the all-or-nothing rule: a zero of a large unit is published', () => {
    expect(primaryReason(count(0, 500), disclosureDefaults)).toBeNull();
  });

  it('follows a configured minimum frequency', () => {
    const params = resolveParameters({ minFrequency: 3 });
    expect(primaryReason(count(2, 500), params)).toBe('threshold');
    expect(primaryReason(count(3, 500), params)).toBeNull();
  });

  it('suppresses an amount with fewer than 5 contributing schools, however even', () => {
    expect(primaryReason(amount([euros(1000), euros(1000), euros(1000), euros(1000)]), disclosureDefaults)).toBe('threshold');
    // Schools that contributed nothing do not count as contributors.
    expect(primaryReason(amount([euros(1000), euros(1000), euros(1000), euros(1000), 0, 0]), disclosureDefaults)).toBe('threshold');
  });
});

describe('all-or-nothing rule', () => {
  it('suppresses "none of the schools" and "all of the schools" in a unit below 20 schools', () => {
    expect(primaryReason(count(0, 12), disclosureDefaults)).toBe('all-or-nothing');
    expect(primaryReason(count(12, 12), disclosureDefaults)).toBe('all-or-nothing');
    expect(primaryReason(count(19, 19), disclosureDefaults)).toBe('all-or-nothing');
  });

  it('publishes 0 and the full population from 20 schools on', () => {
    expect(primaryReason(count(0, 20), disclosureDefaults)).toBeNull();
    expect(primaryReason(count(20, 20), disclosureDefaults)).toBeNull();
  });

  it('a value strictly between 0 and the population is not all-or-nothing', () => {
    expect(primaryReason(count(11, 12), disclosureDefaults)).toBeNull();
  });

  it('ignores a unit without schools: nobody to disclose', () => {
    expect(primaryReason(count(0, 0), disclosureDefaults)).toBeNull();
  });

  it('in a gemeente of 2 to 4 schools every count is suppressed by one rule or the other', () => {
    for (const n of [2, 3, 4]) {
      for (let v = 0; v <= n; v++) expect(primaryReason(count(v, n), disclosureDefaults), `${v} of ${n}`).not.toBeNull();
    }
  });

  it('can be limited to zeros or to full counts', () => {
    expect(primaryReason(count(12, 12), resolveParameters({ allOrNothing: { full: false } }))).toBeNull();
    expect(primaryReason(count(0, 12), resolveParameters({ allOrNothing: { zero: false } }))).toBeNull();
  });

  it('suppresses a zero amount of a small unit and publishes it for a large one', () => {
    expect(primaryReason(amount([0, 0, 0], 3), disclosureDefaults)).toBe('all-or-nothing');
    expect(primaryReason(amount([0, 0, 0], 300), disclosureDefaults)).toBeNull();
  });
});

describe('dominance rules', () => {
  it('p%-rule: one large vo school among small bo schools', () => {
    // The rest after the two largest must be at least 10% of the largest.
    const large = euros(1_300_000);
    const sensitive = [large, euros(60_000), euros(40_000), euros(40_000), euros(40_000)]; // rest 120k < 130k
    const safe = [large, euros(60_000), euros(50_000), euros(40_000), euros(40_000)]; // rest 130k, not < 130k
    expect(failsPPercent(sensitive, 10)).toBe(true);
    expect(failsPPercent(safe, 10)).toBe(false);
    expect(primaryReason(amount(sensitive), disclosureDefaults)).toBe('dominance');
  });

  it('(n,k)-rule: the two largest above 85% of the total', () => {
    expect(failsNk([86, 0, 7, 7], 2, 85)).toBe(true); // 86 + 7 = 93% > 85%
    expect(failsNk([45, 40, 5, 5, 5], 2, 85)).toBe(false); // exactly 85% is not more than 85%
    expect(failsNk([45, 41, 5, 5, 4], 2, 85)).toBe(true);
    expect(failsNk([], 2, 85)).toBe(false);
  });

  it('(n,k) can flag what p% lets through, and each rule can be switched off', () => {
    // Two equal giants and three small schools: the rest hides each giant by more than 10%, yet the pair holds 89%.
    const contributions = [euros(400_000), euros(400_000), euros(35_000), euros(35_000), euros(30_000)];
    expect(failsPPercent(contributions, 10)).toBe(false);
    expect(primaryReason(amount(contributions), disclosureDefaults)).toBe('dominance');
    expect(primaryReason(amount(contributions), resolveParameters({ dominance: { nk: [] } }))).toBeNull();
  });

  it('an evenly spread amount is published', () => {
    expect(primaryReason(amount([euros(180_000), euros(170_000), euros(190_000), euros(160_000), euros(200_000)]), disclosureDefaults)).toBeNull();
  });

  it('tau-Argus style (3,70) is available as a configuration', () => {
    const params = resolveParameters({ dominance: { pPercent: null, nk: [{ n: 3, k: 70 }] } });
    expect(primaryReason(amount([30, 25, 20, 15, 10]), params)).toBe('dominance'); // 75% in the top three
    expect(primaryReason(amount([20, 20, 20, 20, 20]), params)).toBeNull(); // 60%
  });
});

describe('dominance rules against a full sort (property)', () => {
  // The rules pick the largest contributions in one pass; a sorted copy is the obvious reference.
  const sortedTop = (xs: readonly number[], n: number): { total: number; top: number[] } => {
    const positive = xs.filter((x) => x > 0).sort((a, b) => b - a);
    return { total: positive.reduce((a, b) => a + b, 0), top: positive.slice(0, n) };
  };
  const contributions = fc.array(fc.integer({ min: -5, max: 1_000_000 }), { maxLength: 60 });

  it('p%-rule', () => {
    fc.assert(
      fc.property(contributions, fc.integer({ min: 0, max: 100 }), (xs, p) => {
        const { total, top } = sortedTop(xs, 2);
        const first = top[0];
        const expected = first === undefined ? false : (total - first - (top[1] ?? 0)) * 100 < p * first;
        expect(failsPPercent(xs, p)).toBe(expected);
      }),
    );
  });

  it('(n,k)-rule', () => {
    fc.assert(
      fc.property(contributions, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 100 }), (xs, n, k) => {
        const { total, top } = sortedTop(xs, n);
        const expected = total === 0 ? false : top.reduce((a, b) => a + b, 0) * 100 > k * total;
        expect(failsNk(xs, n, k)).toBe(expected);
      }),
    );
  });
});
