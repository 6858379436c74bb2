import { describe, expect, it } from 'vitest';
import { InvalidParametersError } from './errors.js';
import { disclosureDefaults, resolveParameters } from './parameters.js';
import { protectionRequirement, roundLower, roundUpper } from './protection.js';
import { validateParameters } from './validate.js';
import { type SystemVariable } from './linear-system.js';

const variable = (kind: 'count' | 'amount', value: number, upper: number): SystemVariable => ({
  index: 0,
  cellId: 'x',
  releaseId: 'r',
  current: true,
  kind,
  value,
  lower: 0,
  upper,
  publishedInPrior: false,
});

describe('parameters', () => {
  it('merges overrides over the defaults without touching them', () => {
    const params = resolveParameters({ minFrequency: 3, protection: { countMargin: 2 } });
    expect(params.minFrequency).toBe(3);
    expect(params.protection).toEqual({ ...disclosureDefaults.protection, countMargin: 2 });
    expect(disclosureDefaults.minFrequency).toBe(5);
    expect(Object.isFrozen(disclosureDefaults.protection)).toBe(true);
  });

  it('rejects nonsense with a typed error naming each problem', () => {
    const bad = { ...resolveParameters({ minFrequency: 0, dominance: { pPercent: 150, nk: [{ n: 0, k: 85 }] } }), exactAuditIntervals: 'yes' as unknown as boolean };
    const error = (() => {
      try {
        validateParameters(bad);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InvalidParametersError);
    expect((error as InvalidParametersError).issues).toEqual(
      expect.arrayContaining([
        'minFrequency must be a positive integer',
        'dominance.pPercent must be in (0, 100] or null',
        'dominance.nk.n must be a positive integer',
        'exactAuditIntervals must be true or false',
      ]),
    );
  });
});

describe('protection requirement', () => {
  it('a primary count needs 3 schools of doubt either side, clipped to [0, population]', () => {
    expect(protectionRequirement(variable('count', 2, 100), 'threshold', disclosureDefaults)).toEqual({ lower: 0, upper: 5, minWidth: 1 });
    expect(protectionRequirement(variable('count', 4, 100), 'threshold', disclosureDefaults)).toEqual({ lower: 1, upper: 7, minWidth: 1 });
    expect(protectionRequirement(variable('count', 3, 3), 'all-or-nothing', disclosureDefaults)).toEqual({ lower: 0, upper: 3, minWidth: 1 });
  });

  it('a primary amount needs 10% of its value either side, at least EUR 1,000', () => {
    expect(protectionRequirement(variable('amount', 50_000_000, Infinity), 'dominance', disclosureDefaults)).toEqual({ lower: 45_000_000, upper: 55_000_000, minWidth: 1 });
    expect(protectionRequirement(variable('amount', 0, Infinity), 'all-or-nothing', disclosureDefaults)).toEqual({ lower: 0, upper: 100_000, minWidth: 1 });
  });

  it('a secondary cell only needs not to be exact', () => {
    expect(protectionRequirement(variable('count', 12, 100), 'secondary', disclosureDefaults)).toEqual({ lower: 12, upper: 12, minWidth: 1 });
  });

  it('rounds LP bounds inward to whole schools and cents, forgiving solver noise', () => {
    expect(roundLower(2.9999999999)).toBe(3);
    expect(roundLower(2.4)).toBe(3);
    expect(roundUpper(5.7)).toBe(5);
    expect(roundUpper(6.0000000001)).toBe(6);
    expect(roundUpper(Infinity)).toBe(Infinity);
  });
});
