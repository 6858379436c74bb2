import { describe, expect, it } from 'vitest';
import { disclosureDefaults } from './parameters.js';
import { differsBySmallGroup } from './statistic-history.js';

describe('differsBySmallGroup', () => {
  it('holds a statistic back when any earlier group differs by 1 to 4 schools (default threshold 5)', () => {
    expect(differsBySmallGroup(6, [5], disclosureDefaults)).toBe(true);
    expect(differsBySmallGroup(5, [9], disclosureDefaults)).toBe(true);
    expect(differsBySmallGroup(12, [7, 11], disclosureDefaults)).toBe(true);
  });

  it('lets it through unchanged, first published, or once the groups differ by at least the threshold', () => {
    expect(differsBySmallGroup(5, [5], disclosureDefaults)).toBe(false);
    expect(differsBySmallGroup(5, [], disclosureDefaults)).toBe(false);
    expect(differsBySmallGroup(10, [5], disclosureDefaults)).toBe(false);
    expect(differsBySmallGroup(10, [5, 10, 20], disclosureDefaults)).toBe(false);
  });

  it('follows the configured threshold', () => {
    expect(differsBySmallGroup(10, [5], { minFrequency: 6 })).toBe(true);
    expect(differsBySmallGroup(6, [5], { minFrequency: 1 })).toBe(false);
  });
});
