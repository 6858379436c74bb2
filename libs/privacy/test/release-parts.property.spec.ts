import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineReleaseParts, InvalidReleaseInputError, protectRelease, protectReleasePart, type Relation, type ReleaseInput, ReleaseRefusedError } from '../src/index.js';
import { buildRelease, type School } from './support/npo-release.js';

const codes = ['A2', 'A3', 'B1', 'C2'] as const;

const schoolArb = fc.record({
  sector: fc.constantFrom<School['sector']>('po', 'vo', 'so'),
  chosen: fc.array(fc.boolean(), { minLength: codes.length, maxLength: codes.length }),
  budgets: fc.array(fc.integer({ min: 1_000, max: 5_000_000 }), { minLength: codes.length, maxLength: codes.length }),
});

const yearArb = fc.array(fc.array(schoolArb, { minLength: 1, maxLength: 14 }), { minLength: 2, maxLength: 4 });

/** One school year's tables under a prefix: years share no relation, like the school years of a report. */
function yearRelease(year: string, gemeenten: readonly (readonly { sector: School['sector']; chosen: boolean[]; budgets: number[] }[])[]): ReleaseInput {
  const schools: School[] = gemeenten.flatMap((members, g) =>
    members.map((s, i) => ({
      brin: `G${g}-${i}`,
      gemeente: `GM${String(g).padStart(4, '0')}`,
      sector: s.sector,
      choices: Object.fromEntries(codes.flatMap((c, k) => (s.chosen[k] === true ? [[c, s.budgets[k] ?? 1]] : []))),
    })),
  );
  const built = buildRelease(schools, { releaseId: year, interventions: codes, amounts: true, categories: true, bySector: true, presence: true });
  const id = (cell: string): string => `${year}|${cell}`;
  const rename = (r: Relation): Relation =>
    r.kind === 'linear'
      ? { ...r, terms: r.terms.map((t) => ({ ...t, cell: id(t.cell) })) }
      : r.kind === 'presence'
        ? { ...r, count: id(r.count), amount: id(r.amount) }
        : { ...r, total: id(r.total), parts: r.parts.map(id) };
  return {
    releaseId: 'parts',
    tables: built.tables.map((t) => ({
      ...t,
      id: id(t.id),
      cells: t.cells.map((c) => ({ ...c, id: id(c.id) })),
      ...(t.relations === undefined ? {} : { relations: t.relations.map(rename) }),
    })),
    relations: (built.relations ?? []).map(rename),
  };
}

function merged(years: readonly ReleaseInput[]): ReleaseInput {
  return { releaseId: 'parts', tables: years.flatMap((y) => y.tables), relations: years.flatMap((y) => y.relations ?? []) };
}

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ReleaseRefusedError) return { refused: error.cells };
    throw error;
  }
}

describe('a release protected in parts (one per thread)', () => {
  it('equals the release protected at once, pattern, tables and audit, for any split', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(yearArb, { minLength: 2, maxLength: 3 }), fc.integer({ min: 2, max: 5 }), async (years, count) => {
        const input = merged(years.map((g, y) => yearRelease(`202${y}`, g)));
        const whole = await outcome(() => protectRelease(input));
        const split = await outcome(async () => {
          const parts = await Promise.all(Array.from({ length: count }, (_, index) => protectReleasePart(input, {}, { index, count })));
          // Each part holds only its own components' cells, and together they hold every suppressed cell once.
          const ids = parts.flatMap((p) => p.pattern.map((e) => e.cellId));
          expect(new Set(ids).size).toBe(ids.length);
          return combineReleaseParts(input, {}, parts.reverse());
        });
        expect(split).toEqual(whole);
        compared++;
      }),
      { numRuns: 12, seed: 20261128, endOnFailure: true },
    );
    expect(compared).toBe(12);
  }, 120_000);

  it('splits the work: with as many parts as components, every part protects something', async () => {
    const year = (y: number) => yearRelease(`202${y}`, [[{ sector: 'po', chosen: [true, false, true, false], budgets: [5_000, 6_000, 7_000, 8_000] }, { sector: 'vo', chosen: [false, true, true, false], budgets: [5_000, 6_000, 7_000, 8_000] }], [{ sector: 'po', chosen: [true, true, false, false], budgets: [9_000, 6_000, 7_000, 8_000] }]]);
    const input = merged([year(1), year(2)]);
    const parts = await Promise.all([0, 1].map((index) => protectReleasePart(input, {}, { index, count: 2 })));
    const whole = await protectRelease(input);
    expect(parts.every((p) => p.pattern.length > 0)).toBe(true);
    expect(parts.flatMap((p) => p.pattern.map((e) => e.cellId)).sort()).toEqual(whole.pattern.map((e) => e.cellId).sort());
  });

  it('refuses to combine an incomplete or mixed split', async () => {
    const input = merged([yearRelease('2021', [[{ sector: 'po', chosen: [true, true, true, true], budgets: [1_000, 1_000, 1_000, 1_000] }]])]);
    const first = await protectReleasePart(input, {}, { index: 0, count: 2 });
    expect(() => combineReleaseParts(input, {}, [first])).toThrow(InvalidReleaseInputError);
    expect(() => combineReleaseParts(input, {}, [first, first])).toThrow(InvalidReleaseInputError);
    await expect(protectReleasePart(input, {}, { index: 2, count: 2 })).rejects.toThrow(RangeError);
  });
});
