import { describe, expect, it } from 'vitest';
import { eventContracts, npoEventTypes } from './events.js';
import { upcast, upcasters } from './upcasters.js';

const v1Chosen = {
  brin: '16SW',
  schoolYear: '2021-2022',
  code: 'B3',
  targetDomain: 'rekenen',
  plannedBudgetCents: 1_200_000,
  pupilsReached: 24,
};

describe('upcaster chain', () => {
  it('has a step for every version below the current one of every type', () => {
    for (const type of npoEventTypes) {
      for (let v = 1; v < eventContracts[type].currentVersion; v++) {
        expect(upcasters[type]?.[v], `${type} v${v}`).toBeTypeOf('function');
      }
    }
  });

  it('turns InterventionChosen v1 (one targetDomain) into v2 (targetDomains) that the current schema accepts', () => {
    const result = upcast('npo.InterventionChosen', 1, v1Chosen);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.version).toBe(2);
    const current = eventContracts['npo.InterventionChosen'].schema.parse(result.data);
    expect(current).toEqual({
      brin: '16SW',
      schoolYear: '2021-2022',
      code: 'B3',
      targetDomains: ['rekenen'],
      plannedBudgetCents: 1_200_000,
      pupilsReached: 24,
    });
    expect(current).not.toHaveProperty('targetDomain');
  });

  it('passes current-version data through untouched', () => {
    const v2 = { ...v1Chosen, targetDomain: undefined, targetDomains: ['taal', 'lezen'] };
    const result = upcast('npo.InterventionChosen', 2, v2);
    expect(result).toEqual({ ok: true, version: 2, data: v2 });
  });

  it('refuses a v2 payload labelled as v1 with a reason naming the field', () => {
    const mislabelled = { ...v1Chosen, targetDomain: undefined, targetDomains: ['taal'] };
    const result = upcast('npo.InterventionChosen', 1, mislabelled);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(/v1 data cannot be upcast/);
    expect(result.reason).toMatch(/targetDomain/);
  });

  it.each([
    ['npo.Unknown', 1, /unknown event type/],
    ['InterventionChosen', 1, /unknown event type/],
    ['npo.InterventionChosen', 3, /newer than this reader's current version 2/],
    ['npo.InterventionChosen', 0, /not a positive integer/],
    ['npo.ScanCompleted', 1.5, /not a positive integer/],
    ['npo.ScanCompleted', 2, /newer/],
  ] as const)('rejects %s v%d', (type, version, reason) => {
    const result = upcast(type, version, {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
