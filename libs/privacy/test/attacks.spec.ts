import { describe, expect, it } from 'vitest';
import { priorReleaseOf, protectRelease, type ProtectedRelease, type ReleaseInput } from '../src/index.js';
import { Attacker, published } from './support/attacker.js';
import { buildRelease, type School } from './support/npo-release.js';

/**
 * Each test attacks a protected release the way an outsider would: with the published numbers only
 * (subtraction first, then the strongest tool: an integer program over every public relation). The
 * attack fails when the attacker is left with more than one feasible value and the truth among them.
 */

function truthOf(input: ReleaseInput, cellId: string): number {
  const cell = input.tables.flatMap((t) => t.cells).find((c) => c.id === cellId);
  if (cell === undefined) throw new Error(`no cell ${cellId}`);
  return cell.value;
}

async function expectNotLearned(attacker: Attacker, releaseId: string, cellId: string, truth: number): Promise<{ lower: number; upper: number }> {
  const interval = await attacker.interval(releaseId, cellId);
  expect(interval.lower, `${cellId} lower`).toBeLessThanOrEqual(truth);
  expect(interval.upper, `${cellId} upper`).toBeGreaterThanOrEqual(truth);
  expect(interval.upper - interval.lower, `${cellId} pinned to ${truth}`).toBeGreaterThanOrEqual(1);
  return interval;
}

/** Schools with explicit choices: `spec` maps intervention code -> how many of the n schools chose it. */
function schoolsOf(gemeente: string, n: number, spec: Record<string, number>, sector: School['sector'] = 'po', budget = 2_000_000): School[] {
  return Array.from({ length: n }, (_, i) => ({
    brin: `${gemeente}-${i}`,
    gemeente,
    sector,
    choices: Object.fromEntries(Object.entries(spec).filter(([, k]) => i < k).map(([code]) => [code, budget + i * 10_000])),
  }));
}

describe('attack: differencing', () => {
  it('national minus the other gemeenten does not give a small gemeente figure', async () => {
    const schools = [
      ...schoolsOf('GM0001', 30, { B3: 3, B1: 12 }),
      ...schoolsOf('GM0002', 25, { B3: 12, B1: 8 }),
      ...schoolsOf('GM0003', 40, { B3: 21, B1: 30 }),
      ...schoolsOf('GM0004', 28, { B3: 9, B1: 6 }),
    ];
    const input = buildRelease(schools, { releaseId: 'r', interventions: ['B1', 'B3'] });
    const released = await protectRelease(input);
    const target = 'GM0001/B3/n';
    expect(published(released, target)).toBeNull();

    // The subtraction: NL minus every other gemeente. At least one term must be unknown.
    const terms = ['NL/B3/n', 'GM0002/B3/n', 'GM0003/B3/n', 'GM0004/B3/n'].map((id) => published(released, id));
    expect(terms.some((t) => t === null)).toBe(true);

    const attacker = new Attacker({ releases: [released] });
    const interval = await expectNotLearned(attacker, 'r', target, 3);
    // The threshold's margin: the attacker cannot rule out a publishable 6 or more.
    expect(interval.upper).toBeGreaterThanOrEqual(6);
  });

  it('a category budget minus its other interventions does not give a suppressed intervention budget', async () => {
    // GM0001: only 2 schools planned B1 money; the B category and B3, B6 are otherwise large.
    const schools = [
      ...schoolsOf('GM0001', 30, { B1: 2, B3: 20, B6: 11, C2: 15 }),
      ...schoolsOf('GM0002', 35, { B1: 10, B3: 25, B6: 9, C2: 20 }),
      ...schoolsOf('GM0003', 26, { B1: 7, B3: 14, B6: 13, C2: 6 }),
    ];
    const input = buildRelease(schools, { releaseId: 'r', interventions: ['B1', 'B3', 'B6', 'C2'], amounts: true, categories: true });
    const released = await protectRelease(input);
    const target = 'GM0001/B1/eur';
    expect(published(released, target)).toBeNull();
    const difference = ['GM0001/B/eur', 'GM0001/B3/eur', 'GM0001/B6/eur'].map((id) => published(released, id));
    expect(difference.some((t) => t === null)).toBe(true);

    const attacker = new Attacker({ releases: [released] });
    const truth = truthOf(input, target);
    const interval = await expectNotLearned(attacker, 'r', target, truth);
    // The amount protection: +-10% of the value at least.
    expect(interval.upper).toBeGreaterThanOrEqual(Math.ceil(truth * 1.1));
    expect(interval.lower).toBeLessThanOrEqual(Math.floor(truth * 0.9));
  });

  it('one breakdown minus another (gemeenten vs. sectors of the nation) does not give a small sector figure', async () => {
    const schools = [
      ...schoolsOf('GM0001', 24, { B3: 14, B1: 9 }, 'po'),
      ...schoolsOf('GM0001', 6, { B3: 2, B1: 5 }, 'so').map((s) => ({ ...s, brin: `${s.brin}so` })),
      ...schoolsOf('GM0002', 30, { B3: 11, B1: 16 }, 'vo'),
      ...schoolsOf('GM0003', 33, { B3: 20, B1: 12 }, 'po'),
    ];
    const input = buildRelease(schools, { releaseId: 'r', interventions: ['B1', 'B3'], bySector: true });
    const released = await protectRelease(input);
    const target = 'so/B3/n';
    expect(published(released, target)).toBeNull();
    // so = (sum of gemeenten) - po - vo: some term must be unknown.
    const viaGemeenten = ['GM0001/B3/n', 'GM0002/B3/n', 'GM0003/B3/n', 'po/B3/n', 'vo/B3/n'].map((id) => published(released, id));
    const viaNational = ['NL/B3/n', 'po/B3/n', 'vo/B3/n'].map((id) => published(released, id));
    expect(viaGemeenten.some((t) => t === null)).toBe(true);
    expect(viaNational.some((t) => t === null)).toBe(true);
    const attacker = new Attacker({ releases: [released] });
    await expectNotLearned(attacker, 'r', target, 2);
  });
});

describe('attack: tracker across releases', () => {
  // Release 1 as of an earlier date, release 2 later: one school in the gemeente added intervention b.
  const table = (releaseId: string, values: { a: number; b: number; c: number }): ReleaseInput => ({
    releaseId,
    tables: [
      {
        id: 'gemeente',
        cells: [
          { id: 'T', kind: 'count', value: values.a + values.b + values.c, population: 60 },
          { id: 'a', kind: 'count', value: values.a, population: 60 },
          { id: 'b', kind: 'count', value: values.b, population: 60 },
          { id: 'c', kind: 'count', value: values.c, population: 60 },
        ],
        relations: [{ kind: 'sum', total: 'T', parts: ['a', 'b', 'c'] }],
      },
    ],
  });
  const first = table('R1', { a: 3, b: 10, c: 12 });
  const second = table('R2', { a: 3, b: 14, c: 12 });
  // The attacker knows (or guesses right) which figures did not change: a and c.
  const unchanged = [
    [
      ['R1', 'a'],
      ['R2', 'a'],
    ],
    [
      ['R1', 'c'],
      ['R2', 'c'],
    ],
  ] as const;

  it('without the release history, the two releases together give the suppressed cell away (the attack is real)', async () => {
    const r1 = await protectRelease(first);
    const r2 = await protectRelease(second);
    // Each release on its own is safe...
    await expectNotLearned(new Attacker({ releases: [r1] }), 'R1', 'a', 3);
    await expectNotLearned(new Attacker({ releases: [r2] }), 'R2', 'a', 3);
    // ...but R1 published c, R2 hid c as a's complement: a = (a + c in R2) - c from R1.
    const combined = await new Attacker({ releases: [r1, r2], assumeEqual: unchanged }).interval('R2', 'a');
    expect(combined).toEqual({ lower: 3, upper: 3 });
  });

  it('with the earlier release passed in, the tracker learns nothing exact', async () => {
    const r1 = await protectRelease(first);
    const r2 = await protectRelease(second, { priorReleases: [priorReleaseOf(first, r1)] });
    const attacker = new Attacker({ releases: [r1, r2], assumeEqual: unchanged });
    const interval = await expectNotLearned(attacker, 'R2', 'a', 3);
    expect(interval.upper).toBeGreaterThanOrEqual(6);
    // The pattern is kept: what R1 hid (equal population) stays hidden in R2.
    const hiddenInR1 = r1.pattern.map((p) => p.cellId);
    for (const id of hiddenInR1) expect(published(r2, id), id).toBeNull();
  });

  it('a later release cannot hide a figure an earlier one published unchanged: it refuses rather than pretend', async () => {
    // R1 was made with a looser threshold and published a = 4; R2 uses the default 5 on the same data.
    const loose = await protectRelease(table('R1', { a: 4, b: 10, c: 12 }), { parameters: { minFrequency: 4 } });
    expect(published(loose, 'a')).toBe(4);
    const prior = priorReleaseOf(table('R1', { a: 4, b: 10, c: 12 }), loose);
    await expect(protectRelease(table('R2', { a: 4, b: 14, c: 12 }), { priorReleases: [prior] })).rejects.toMatchObject({
      code: 'privacy.release-refused',
      cells: [expect.objectContaining({ cellId: 'a', lower: 4, upper: 4 })],
    });
  });
});

describe('attack: all-or-nothing in a gemeente with 2 to 4 schools', () => {
  it.each([2, 3, 4])('with %i schools the attacker cannot tell "all" or "none" for any intervention', async (n) => {
    const schools = [
      // Every small-gemeente school chose B3, none chose A3, some chose B1.
      ...schoolsOf('GM0001', n, { B3: n, B1: 1 }),
      ...schoolsOf('GM0002', 30, { B3: 18, A3: 7, B1: 12 }),
      ...schoolsOf('GM0003', 41, { B3: 30, A3: 9, B1: 20 }),
      ...schoolsOf('GM0004', 26, { B3: 13, A3: 5, B1: 8 }),
    ];
    const input = buildRelease(schools, { releaseId: 'r', interventions: ['A3', 'B1', 'B3'] });
    const released: ProtectedRelease = await protectRelease(input);
    const attacker = new Attacker({ releases: [released] });
    for (const code of ['A3', 'B1', 'B3']) {
      const id = `GM0001/${code}/n`;
      expect(published(released, id), id).toBeNull();
      const truth = truthOf(input, id);
      const interval = await expectNotLearned(attacker, 'r', id, truth);
      // Not "all of them" for sure, not "none of them" for sure.
      expect(interval.lower, `${id}: the attacker knows at least one chose it`).toBe(0);
      expect(interval.upper, `${id}: the attacker knows not all chose it`).toBe(n);
    }
  });
});

describe('attack: dominance of one large school in a euro cell', () => {
  it('the second-largest school cannot estimate the large school within 10%', async () => {
    const large: School = { brin: 'VO01', gemeente: 'GM0001', sector: 'vo', choices: { B3: 130_000_000 } };
    const small = schoolsOf('GM0001', 5, { B3: 5 }, 'po', 1_500_000);
    const schools = [large, ...small, ...schoolsOf('GM0002', 20, { B3: 14 }), ...schoolsOf('GM0003', 25, { B3: 17 }), ...schoolsOf('GM0004', 22, { B3: 9 })];
    const input = buildRelease(schools, { releaseId: 'r', interventions: ['B3'], amounts: true });
    const released = await protectRelease(input);
    const target = 'GM0001/B3/eur';
    expect(released.pattern.find((p) => p.cellId === target)?.reason).toBe('dominance');

    const attacker = new Attacker({ releases: [released] });
    const truth = truthOf(input, target);
    const { lower, upper } = await expectNotLearned(attacker, 'r', target, truth);
    // The coalition of the other small schools knows its own amounts; what is left of the cell interval is
    // the large school's interval. It must be at least 10% of the large school's amount either side.
    const others = small.reduce((a, s) => a + (s.choices['B3'] ?? 0), 0);
    const largeAmount = large.choices['B3'] ?? 0;
    expect(largeAmount - (lower - others)).toBeGreaterThanOrEqual(largeAmount * 0.1);
    expect(upper - others - largeAmount).toBeGreaterThanOrEqual(largeAmount * 0.1);
  });
});
