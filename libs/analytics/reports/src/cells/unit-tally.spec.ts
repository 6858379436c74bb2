import { scanDomains, severityLevels } from '@npo/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SchoolFacts } from '../facts/school-facts.js';
import { scanLevelKey, tallyUnit, type UnitTally } from './unit-tally.js';

const codes = ['A1', 'A2', 'B3', 'C1', 'F2'];
const categoryOf = (code: string): string => code.slice(0, 1);

const school: fc.Arbitrary<SchoolFacts> = fc.record({
  brin: fc.string({ minLength: 1, maxLength: 6 }),
  sector: fc.constant('bo'),
  sectorGroup: fc.constant('po'),
  gemeente: fc.constant('GM0001'),
  province: fc.constant('PV27'),
  band: fc.constant('b1'),
  // Repeated codes and zero amounts on purpose: a school counts once per code, and only positive sums are contributions.
  choices: fc.array(
    fc.record({ code: fc.constantFrom(...codes), cents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000_000 })) }).map((c) => ({ ...c, category: categoryOf(c.code) })),
    { maxLength: 6 },
  ),
  scan: fc.option(fc.record(Object.fromEntries(scanDomains.map((d) => [d, fc.constantFrom(...severityLevels)])) as Record<(typeof scanDomains)[number], fc.Arbitrary<(typeof severityLevels)[number]>>), { nil: null }),
  submitted: fc.boolean(),
  approved: fc.boolean(),
  approvedByDeadline: fc.boolean(),
  allocatedCents: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 9_000_000 })),
})
  // Consent by the deadline is counted among the schools with consent (year-facts.ts).
  .map((s) => ({ ...s, approvedByDeadline: s.approved && s.approvedByDeadline }));

/** The same figures asked one question at a time of every school, the way a reader of the report would count them. */
function reference(schools: readonly SchoolFacts[]): UnitTally {
  const sumFor = (s: SchoolFacts, match: (c: SchoolFacts['choices'][number]) => boolean): number | null => {
    const mine = s.choices.filter(match);
    return mine.length === 0 ? null : mine.reduce((a, c) => a + c.cents, 0);
  };
  const perKey = (keys: readonly string[], match: (key: string) => (c: SchoolFacts['choices'][number]) => boolean) => {
    const schoolsOf = new Map<string, number>();
    const centsOf = new Map<string, number[]>();
    for (const key of keys) {
      const sums = schools.map((s) => sumFor(s, match(key))).filter((v): v is number => v !== null);
      if (sums.length > 0) schoolsOf.set(key, sums.length);
      const positive = sums.filter((v) => v > 0);
      if (positive.length > 0) centsOf.set(key, positive);
    }
    return { schoolsOf, centsOf };
  };
  const byCode = perKey(codes, (code) => (c) => c.code === code);
  const byCategory = perKey([...new Set(codes.map(categoryOf))], (cat) => (c) => c.category === cat);
  const scanLevels = new Map<string, number>();
  for (const d of scanDomains)
    for (const l of severityLevels) {
      const n = schools.filter((s) => s.scan?.[d] === l).length;
      if (n > 0) scanLevels.set(scanLevelKey(d, l), n);
    }
  return {
    submitted: schools.filter((s) => s.submitted).length,
    plan: schools.filter((s) => s.choices.length > 0).length,
    approved: schools.filter((s) => s.approved).length,
    approvedInTime: schools.filter((s) => s.approvedByDeadline).length,
    scanned: schools.filter((s) => s.scan !== null).length,
    scanLevels,
    codeSchools: byCode.schoolsOf,
    categorySchools: byCategory.schoolsOf,
    codeCents: byCode.centsOf,
    categoryCents: byCategory.centsOf,
    budget: schools.map((s) => s.choices.reduce((a, c) => a + c.cents, 0)).filter((v) => v > 0),
    funds: schools.map((s) => s.allocatedCents).filter((v) => v > 0),
  };
}

const sorted = <V>(m: ReadonlyMap<string, V>): [string, V][] => [...m].sort(([a], [b]) => a.localeCompare(b));
const comparable = (t: UnitTally) => ({
  ...t,
  scanLevels: sorted(t.scanLevels),
  codeSchools: sorted(t.codeSchools),
  categorySchools: sorted(t.categorySchools),
  codeCents: sorted(t.codeCents),
  categoryCents: sorted(t.categoryCents),
});

describe('tallyUnit', () => {
  it('counts every figure of a unit as a school-by-school count does, contributions in school order', () => {
    fc.assert(
      fc.property(fc.array(school, { maxLength: 40 }), (schools) => {
        expect(comparable(tallyUnit(schools))).toEqual(comparable(reference(schools)));
      }),
    );
  });

  it('gives each unit its own figures when the same schools sit in several units', () => {
    fc.assert(
      fc.property(fc.array(school, { minLength: 1, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (schools, inPart) => {
        const part = schools.filter((_, i) => inPart[i]);
        // The whole first, then a part of it, then the whole again: what one school contributes is reused, never accumulated.
        const whole = tallyUnit(schools);
        expect(comparable(tallyUnit(part))).toEqual(comparable(reference(part)));
        expect(comparable(tallyUnit(schools))).toEqual(comparable(whole));
        expect(comparable(whole)).toEqual(comparable(reference(schools)));
      }),
    );
  });

  it('counts a school once per code however many of its choices carry that code', () => {
    const s: SchoolFacts = {
      brin: '00AA',
      sector: 'bo',
      sectorGroup: 'po',
      gemeente: 'GM0001',
      province: 'PV27',
      band: 'b1',
      choices: [
        { code: 'A1', category: 'A', cents: 100 },
        { code: 'A1', category: 'A', cents: 50 },
        { code: 'A2', category: 'A', cents: 0 },
      ],
      scan: null,
      submitted: true,
      approved: false,
      approvedByDeadline: false,
      allocatedCents: 0,
    };
    const t = tallyUnit([s]);
    expect(t.codeSchools.get('A1')).toBe(1);
    expect(t.codeCents.get('A1')).toEqual([150]);
    expect(t.codeSchools.get('A2')).toBe(1);
    expect(t.codeCents.has('A2')).toBe(false);
    expect(t.categorySchools.get('A')).toBe(1);
    expect(t.categoryCents.get('A')).toEqual([150]);
    expect(t.budget).toEqual([150]);
  });
});
