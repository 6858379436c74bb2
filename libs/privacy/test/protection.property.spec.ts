import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectRelease, ReleaseRefusedError } from '../src/index.js';
import { Attacker } from './support/attacker.js';
import { buildRelease, type School } from './support/npo-release.js';

const codes = ['A2', 'A3', 'B1', 'B3', 'C2'] as const;

const schoolArb = fc.record({
  sector: fc.constantFrom<School['sector']>('po', 'po', 'vo', 'so'),
  chosen: fc.array(fc.boolean(), { minLength: codes.length, maxLength: codes.length }),
  budgets: fc.array(fc.integer({ min: 1_000, max: 5_000_000 }), { minLength: codes.length, maxLength: codes.length }),
});

const releaseArb = fc.record({
  gemeenten: fc.array(fc.array(schoolArb, { minLength: 1, maxLength: 22 }), { minLength: 2, maxLength: 5 }),
  interventions: fc.subarray([...codes], { minLength: 2 }),
  amounts: fc.boolean(),
  categories: fc.boolean(),
  bySector: fc.boolean(),
});

describe('property: protected random hierarchical releases', () => {
  it('no suppressed cell is exactly derivable and every published cell is the input value', async () => {
    let protectedRuns = 0;
    let refusedRuns = 0;
    await fc.assert(
      fc.asyncProperty(releaseArb, async (spec) => {
        const schools: School[] = spec.gemeenten.flatMap((members, g) =>
          members.map((s, i) => ({
            brin: `G${g}-${i}`,
            gemeente: `GM${String(g).padStart(4, '0')}`,
            sector: s.sector,
            choices: Object.fromEntries(codes.flatMap((c, k) => (s.chosen[k] === true && spec.interventions.includes(c) ? [[c, s.budgets[k] ?? 1]] : []))),
          })),
        );
        const input = buildRelease(schools, { releaseId: 'p', interventions: spec.interventions, amounts: spec.amounts, categories: spec.categories, bySector: spec.bySector });
        let released;
        try {
          released = await protectRelease(input);
        } catch (error) {
          // Refusing is a legitimate outcome; anything else is a bug.
          expect(error).toBeInstanceOf(ReleaseRefusedError);
          refusedRuns++;
          return;
        }
        protectedRuns++;
        const truth = new Map(input.tables.flatMap((t) => t.cells.map((c) => [c.id, c.value] as const)));
        for (const cell of released.tables.flatMap((t) => t.cells)) {
          if (!cell.suppressed) expect(cell.value, cell.id).toBe(truth.get(cell.id));
          else expect(cell.value).toBeNull();
        }
        const attacker = new Attacker({ releases: [released] });
        for (const entry of released.pattern) {
          const { lower, upper } = await attacker.interval('p', entry.cellId);
          const value = truth.get(entry.cellId) ?? Number.NaN;
          expect(lower <= value && value <= upper, `${entry.cellId}: ${value} outside [${lower}, ${upper}]`).toBe(true);
          expect(upper > lower, `${entry.cellId} derivable exactly (${value})`).toBe(true);
        }
      }),
      { numRuns: 15, seed: 20260101, endOnFailure: true },
    );
    // The property must not hold vacuously, by refusing everything.
    expect(protectedRuns).toBeGreaterThan(refusedRuns);
  }, 120_000);
});
