import { describe, expect, it } from 'vitest';
import { auditPattern, protectRelease, type ProtectedRelease, type ReleaseInput, validateRelease } from '../src/index.js';
import { Attacker, published } from './support/attacker.js';
import { buildRelease, type School } from './support/npo-release.js';

/**
 * Counts beside amounts: every chosen intervention has a planned budget above 0, so an amount is 0 exactly
 * when the count of the same schools is. An attacker who knows that (it is the public contract) links the
 * count and amount systems: a positive amount says "at least one school", a published zero count says
 * "this amount is 0". The attacker here reads only the published release and propagates that link.
 */

/** `spec`: code -> how many of the n schools chose it, or [how many, budget in cents of the first]. */
function schoolsOf(gemeente: string, n: number, spec: Record<string, number | readonly [number, number]>): School[] {
  const chosen = (x: number | readonly [number, number]): number => (typeof x === 'number' ? x : x[0]);
  const budget = (x: number | readonly [number, number]): number => (typeof x === 'number' ? 2_000_000 : x[1]);
  return Array.from({ length: n }, (_, i) => ({
    brin: `${gemeente}-${i}`,
    gemeente,
    sector: 'po',
    choices: Object.fromEntries(Object.entries(spec).flatMap(([code, x]) => (i < chosen(x) ? [[code, budget(x) + i * 10_000]] : []))),
  }));
}

// GM0001: 2 schools chose B3 (a threshold count, and its amount), beside 6 small B1 budgets: the cheapest
// complement of the B3 amount leaves it far from 0. GM0002 chose no B3 and GM0004 no C1: zeros in units too
// large for the all-or-nothing rule, so published, and cheap complements that their partner gives away.
const world = (): ReleaseInput =>
  buildRelease(
    [
      ...schoolsOf('GM0001', 30, { B1: [6, 200_000], B3: 2, C1: 8, C2: 9 }),
      ...schoolsOf('GM0002', 25, { B1: 8, C1: 5, C2: 7 }),
      ...schoolsOf('GM0003', 40, { B1: 30, B3: 21, C1: 12, C2: 16 }),
      ...schoolsOf('GM0004', 28, { B1: 6, B3: 7, C2: 2 }),
    ],
    { releaseId: 'r', interventions: ['B1', 'B3', 'C1', 'C2'], amounts: true, categories: true, presence: true },
  );

/** The pattern protectRelease made before it knew the link (it let the attacker learn both cells below). */
const patternWithoutLink = [
  ...['B1/eur', 'B3/eur', 'B3/n'].map((m) => `GM0001/${m}`),
  ...['B/eur', 'B1/eur', 'B3/n', 'C/eur', 'C/n', 'C1/eur', 'C1/n', 'C2/eur', 'C2/n'].map((m) => `GM0002/${m}`),
  ...['B/eur', 'B1/eur', 'B3/eur', 'B3/n', 'C/eur', 'C/n', 'C1/eur', 'C1/n', 'C2/eur', 'C2/n'].map((m) => `GM0004/${m}`),
];

/** Every suppressed cell's attacker interval reaches its required protection and pins nothing. */
async function expectEveryAuditedCellProtected(attacker: Attacker, input: ReleaseInput, released: ProtectedRelease): Promise<void> {
  const truth = new Map(input.tables.flatMap((t) => t.cells.map((c) => [c.id, c.value] as const)));
  for (const entry of released.audit.cells) {
    const interval = await attacker.interval('r', entry.cellId);
    const value = truth.get(entry.cellId) ?? Number.NaN;
    expect(interval.lower, `${entry.cellId} lower`).toBeLessThanOrEqual(Math.min(value, entry.protectionRequired.lower));
    expect(interval.upper, `${entry.cellId} upper`).toBeGreaterThanOrEqual(Math.max(value, entry.protectionRequired.upper));
    expect(interval.upper - interval.lower, `${entry.cellId} pinned`).toBeGreaterThanOrEqual(1);
  }
}

describe('attack: a count and the amount of the same schools', () => {
  it('leaves no suppressed count provably non-empty where it must stay open at 0, and pins no suppressed amount', async () => {
    const input = world();
    const released = await protectRelease(input);
    expect(published(released, 'GM0001/B3/n')).toBeNull();
    const attacker = new Attacker({ releases: [released] });
    await expectEveryAuditedCellProtected(attacker, input, released);
    // The threshold count must reach 0: its amount must not tell that some school planned B3 money.
    expect((await attacker.interval('r', 'GM0001/B3/n')).lower).toBe(0);
    expect((await attacker.interval('r', 'GM0001/B3/eur')).lower).toBe(0);
  });

  it('suppresses a pair of zeros together or not at all', async () => {
    const input = world();
    const released = await protectRelease(input);
    const suppressed = new Set(released.pattern.map((p) => p.cellId));
    for (const cell of ['GM0002/B3', 'GM0004/C1']) expect(suppressed.has(`${cell}/n`), cell).toBe(suppressed.has(`${cell}/eur`));
  });

  it('the audit of a given pattern fails a zero count withheld beside its published zero amount, and a threshold count beside its published amount', async () => {
    const audit = await auditPattern(world(), patternWithoutLink);
    expect(audit.cells.find((c) => c.cellId === 'GM0002/B3/n')).toMatchObject({ lower: 0, upper: 0, ok: false });
    expect(audit.ok).toBe(false);
    const amountShown = await auditPattern(world(), patternWithoutLink.filter((id) => !id.startsWith('GM0001/')).concat('GM0001/B3/n'));
    // The published amount proves the count positive, at least minFrequency even (a pattern the rules never make).
    expect(amountShown.cells.find((c) => c.cellId === 'GM0001/B3/n')).toMatchObject({ lower: 5, ok: false });
  });

  describe('a published amount proves its count at least minFrequency (the threshold withholds an amount of fewer schools)', () => {
    // GM0005: all 6 schools chose B1 (all-or-nothing, protected down to 3). GM0008: 5 of 7 chose C2, GM0009's 2
    // of 3 (threshold) sit beside it under the national total, where the published C2 budget of GM0008 would
    // say "at least 5 there, so at most 2 here".
    const thresholdWorld = (): ReleaseInput =>
      buildRelease(
        [
          ...schoolsOf('GM0005', 6, { B1: 6, C2: 3 }),
          ...schoolsOf('GM0006', 30, { B1: 12, C2: 8 }),
          ...schoolsOf('GM0007', 25, { B1: 9, C2: 11 }),
          ...schoolsOf('GM0008', 7, { B1: 2, C2: 5 }),
          ...schoolsOf('GM0009', 3, { B1: 1, C2: 2 }),
        ],
        { releaseId: 'r', interventions: ['B1', 'C2'], amounts: true, presence: true },
      );

    it('an all-or-nothing count of all 6 schools keeps its interval down to 3: its budget is withheld too', async () => {
      const released = await protectRelease(thresholdWorld());
      expect(published(released, 'GM0005/B1/n')).toBeNull();
      expect(published(released, 'GM0005/B1/eur')).toBeNull();
      const interval = await new Attacker({ releases: [released] }).interval('r', 'GM0005/B1/n');
      expect(interval.lower).toBeLessThanOrEqual(3);
      expect(interval.upper).toBeGreaterThanOrEqual(6);
    });

    it('no suppressed cell falls below its protection for an attacker who reads published amounts that way', async () => {
      const input = thresholdWorld();
      const released = await protectRelease(input);
      await expectEveryAuditedCellProtected(new Attacker({ releases: [released] }), input, released);
    });
  });

  it('refuses a presence relation the data do not obey', () => {
    const input: ReleaseInput = {
      releaseId: 'bad',
      tables: [
        {
          id: 't',
          cells: [
            { id: 'n', kind: 'count', value: 2, population: 30 },
            { id: 'eur', kind: 'amount', value: 500, contributions: [500, 0], population: 30 },
          ],
          relations: [{ kind: 'presence', count: 'n', amount: 'eur' }],
        },
      ],
    };
    expect(() => validateRelease(input)).toThrow(/1 schools contribute, the count is 2/);
  });
});
