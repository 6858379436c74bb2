import { describe, expect, it } from 'vitest';
import { hasReached, remaining } from '../feed/event-feed.port.js';
import { achterstandBandOf, achterstandBands } from './achterstand-bands.js';
import { gemeenteReference, gemeenten } from './gemeenten.js';
import { provinces } from './provinces.js';
import { schoolYearOfDate, schoolYearReference } from './school-years.js';
import { sectorGroupOf } from './sector-groups.js';

describe('achterstand bands', () => {
  it.each([
    [0, 200, 'geen'],
    [10, 200, 'laag'],
    [20, 200, 'gemiddeld'],
    [59.9, 200, 'gemiddeld'],
    [60, 200, 'hoog'],
    [119, 200, 'hoog'],
    [120, 200, 'zeer-hoog'],
    [5, 0, 'onbekend'],
  ])('score %d over %d pupils is band %s', (score, pupils, band) => {
    expect(achterstandBandOf(score, pupils)).toBe(band);
  });

  it('has contiguous, non-overlapping per-pupil ranges above zero', () => {
    const ranged = achterstandBands.filter((b) => b.maxPerPupil === null || b.maxPerPupil > b.minPerPupil);
    for (let i = 1; i < ranged.length; i++) expect(ranged[i]?.minPerPupil).toBe(ranged[i - 1]?.maxPerPupil);
    expect(ranged.at(-1)?.maxPerPupil).toBeNull();
  });
});

describe('reference lists', () => {
  it('gives every gemeente a known province and a CBS-shaped code, once', () => {
    const provinceCodes = new Set(provinces.map((p) => p.code));
    for (const g of gemeenten) {
      expect(g.code).toMatch(/^GM\d{4}$/);
      expect(provinceCodes.has(g.province), g.code).toBe(true);
    }
    expect(new Set(gemeenten.map((g) => g.code)).size).toBe(gemeenten.length);
    expect(gemeenteReference('GM0457')).toMatchObject({ mergedInto: 'GM0363', validTo: '2022-03-24' });
  });

  it('groups sectors as NPO reports them', () => {
    expect(['bo', 'sbo', 'vo', 'pro', 'so', 'vso'].map((s) => sectorGroupOf(s as never))).toEqual(['po', 'po', 'vo', 'vo', 'vso', 'vso']);
  });

  it('knows the programme years with their deadline (10 July before the year) unless configured', () => {
    const years = schoolYearReference({ '2022-2023': '2022-09-01' });
    expect(years.map((y) => [y.code, y.mrDeadline, y.edition])).toEqual([
      ['2021-2022', '2021-07-10', 'v1'],
      ['2022-2023', '2022-09-01', 'v1'],
      ['2023-2024', '2023-07-10', 'v2'],
      ['2024-2025', '2024-07-10', 'v2'],
    ]);
    expect(schoolYearOfDate('2022-07-31')).toBe('2021-2022');
    expect(schoolYearOfDate('2022-08-01')).toBe('2022-2023');
  });
});

describe('checkpoints', () => {
  it('compares per partition', () => {
    expect(hasReached(new Map([[0, 5]]), new Map([[0, 5]]))).toBe(true);
    expect(hasReached(new Map([[0, 5]]), new Map([[0, 5], [1, 0]]))).toBe(false);
    expect(hasReached(new Map(), new Map([[0, -1]]))).toBe(true);
    expect(remaining(new Map([[0, 4]]), new Map([[0, 9], [1, 2]]))).toBe(8);
  });
});
