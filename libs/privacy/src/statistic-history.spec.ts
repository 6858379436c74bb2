import { describe, expect, it } from 'vitest';
import { disclosureDefaults } from './parameters.js';
import { differsBySmallGroup } from './statistic-history.js';

const schools = (...ids: number[]): string[] => ids.map((i) => `s${i}`);

describe('differsBySmallGroup', () => {
  it('holds a statistic back when an earlier group differs by 1 to 4 members (default threshold 5)', () => {
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5, 6), [schools(1, 2, 3, 4, 5)], disclosureDefaults)).toBe(true);
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5), [schools(1, 2, 3, 4, 5, 6, 7, 8, 9)], disclosureDefaults)).toBe(true);
    // Same size, one school swapped for another: 5·(m₂ − m₁) is the difference of their values.
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 6), [schools(1, 2, 3, 4, 5)], disclosureDefaults)).toBe(true);
  });

  it('lets it through unchanged, first published, or once the groups differ by at least the threshold', () => {
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5), [schools(5, 4, 3, 2, 1)], disclosureDefaults)).toBe(false);
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5), [], disclosureDefaults)).toBe(false);
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), [schools(1, 2, 3, 4, 5)], disclosureDefaults)).toBe(false);
    // Five swapped at once: as good as five new ones.
    expect(differsBySmallGroup(schools(1, 2, 3, 6, 7), [schools(1, 2, 3, 4, 5, 8)], disclosureDefaults)).toBe(false);
  });

  it('compares sizes when only the earlier group size was kept', () => {
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5, 6), [5], disclosureDefaults)).toBe(true);
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 6), [5], disclosureDefaults)).toBe(false);
  });

  it('follows the configured threshold', () => {
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), [schools(1, 2, 3, 4, 5)], { minFrequency: 6 })).toBe(true);
    expect(differsBySmallGroup(schools(1, 2, 3, 4, 5, 6), [schools(1, 2, 3, 4, 5)], { minFrequency: 1 })).toBe(false);
  });
});
