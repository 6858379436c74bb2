import { describe, expect, it } from 'vitest';
import { loosenedSettings } from './loosened-settings.js';
import { disclosureDefaults, resolveParameters } from './parameters.js';

describe('loosenedSettings', () => {
  it('accepts the base itself and anything stricter', () => {
    expect(loosenedSettings(disclosureDefaults, disclosureDefaults)).toEqual([]);
    const stricter = resolveParameters({
      minFrequency: 10,
      allOrNothing: { belowPopulation: 50 },
      dominance: { pPercent: 20, nk: [{ n: 2, k: 70 }, { n: 1, k: 50 }] },
      protection: { countMargin: 5, amountPercent: 15, amountMinimumCents: 500_000, minWidth: 2 },
      cost: { base: 9 },
      maxRepairRounds: 1,
      exactAuditIntervals: true,
    });
    expect(loosenedSettings(stricter, disclosureDefaults)).toEqual([]);
  });

  it('names every setting that protects less than the base', () => {
    const looser = resolveParameters({
      minFrequency: 1,
      allOrNothing: { belowPopulation: 0, zero: false, full: false },
      dominance: { pPercent: null, nk: [{ n: 2, k: 95 }] },
      protection: { countMargin: 0, amountPercent: 0, amountMinimumCents: 0, minWidth: 1 },
    });
    expect(loosenedSettings(looser, disclosureDefaults)).toEqual([
      'minFrequency 1 < 5',
      'allOrNothing.belowPopulation 0 < 20',
      'allOrNothing.zero switched off',
      'allOrNothing.full switched off',
      'dominance.pPercent switched off',
      'dominance.nk rule (n=2, k<=85) missing',
      'protection.countMargin 0 < 3',
      'protection.amountPercent 0 < 10',
      'protection.amountMinimumCents 0 < 100000',
    ]);
    expect(loosenedSettings(resolveParameters({ dominance: { pPercent: 5 } }), disclosureDefaults)).toEqual(['dominance.pPercent 5 < 10']);
  });
});
