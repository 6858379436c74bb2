import { describe, expect, it } from 'vitest';
import { protectRelease, type ProtectedRelease, type ReleaseInput } from '../src/index.js';
import { Attacker } from './support/attacker.js';
import { grid } from './support/grid.js';
import { buildRelease, lcg, makeSchools } from './support/npo-release.js';

/** Every suppressed cell: the independent attacker cannot pin it, and primary cells keep their margin. */
async function expectProtected(released: ProtectedRelease, input: ReleaseInput): Promise<void> {
  const attacker = new Attacker({ releases: [released] });
  const truth = new Map(input.tables.flatMap((t) => t.cells.map((c) => [c.id, c.value] as const)));
  for (const entry of released.pattern) {
    const { lower, upper } = await attacker.interval(released.releaseId, entry.cellId);
    const value = truth.get(entry.cellId) ?? -1;
    expect(lower, entry.cellId).toBeLessThanOrEqual(value);
    expect(upper, entry.cellId).toBeGreaterThanOrEqual(value);
    expect(upper - lower, `${entry.cellId} is pinned`).toBeGreaterThanOrEqual(1);
  }
}

const suppressedIds = (r: ProtectedRelease): string[] => r.pattern.map((p) => p.cellId);

describe('secondary suppression on hand-built hierarchies', () => {
  it('protects a lone small cell of a two-way table with a rectangle of four cells', async () => {
    const input = grid([
      [3, 10, 20],
      [8, 9, 15],
      [12, 7, 30],
    ]);
    const released = await protectRelease(input);
    expect(released.pattern.filter((p) => p.reason === 'threshold').map((p) => p.cellId)).toEqual(['r0c0']);
    // A single suppressed cell in a row or column is recomputable: the smallest safe pattern has two per
    // row and column it touches, i.e. at least a rectangle.
    expect(released.pattern.length).toBeGreaterThanOrEqual(4);
    for (const id of suppressedIds(released)) {
      const row = id.slice(0, 2);
      const col = id.slice(2);
      expect(suppressedIds(released).filter((x) => x.startsWith(row)).length, row).not.toBe(1);
      expect(suppressedIds(released).filter((x) => x.endsWith(col)).length, col).not.toBe(1);
    }
    await expectProtected(released, input);
  });

  it('prefers the smallest cells as complements (lowest information loss)', async () => {
    const input = grid([
      [3, 10, 20],
      [8, 9, 15],
      [12, 7, 30],
    ]);
    const released = await protectRelease(input);
    // Row 0 offers 10 and 20, column 0 offers 8 and 12: the cheap ones are taken, the totals never.
    expect(suppressedIds(released)).toEqual(['r0c0', 'r0c1', 'r1c0', 'r1c1']);
  });

  it('never picks a cell whose cost is Infinity', async () => {
    const input = grid(
      [
        [3, 10, 20],
        [8, 9, 15],
        [12, 7, 30],
      ],
      { cost: { r0c1: Number.POSITIVE_INFINITY, r1c0: Number.POSITIVE_INFINITY } },
    );
    const released = await protectRelease(input);
    expect(suppressedIds(released)).not.toContain('r0c1');
    expect(suppressedIds(released)).not.toContain('r1c0');
    await expectProtected(released, input);
  });

  it('protects two primary cells in one row and column without exposing either', async () => {
    const input = grid([
      [2, 4, 20, 11],
      [8, 9, 15, 6],
      [12, 7, 30, 5],
      [1, 13, 6, 22],
    ]);
    const released = await protectRelease(input);
    expect(released.pattern.filter((p) => p.reason === 'threshold').map((p) => p.cellId).sort()).toEqual(['r0c0', 'r0c1', 'r3c0']);
    await expectProtected(released, input);
  });

  it('suppressed cells are shown as null with a reason, never as 0', async () => {
    const input = grid([
      [3, 10],
      [8, 9],
    ]);
    const released = await protectRelease(input);
    const cells = released.tables.flatMap((t) => t.cells);
    const suppressed = cells.filter((c) => c.suppressed);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const cell of suppressed) {
      expect(cell.value).toBeNull();
      expect(['threshold', 'all-or-nothing', 'dominance', 'secondary']).toContain('reason' in cell ? cell.reason : undefined);
    }
    // Published cells carry the input value unchanged.
    const truth = new Map(input.tables[0]?.cells.map((c) => [c.id, c.value]));
    for (const cell of cells.filter((c) => !c.suppressed)) expect(cell.value).toBe(truth.get(cell.id));
  });

  it('intervention -> category -> total budgets, linked gemeente -> national', async () => {
    const random = lcg(7);
    const codes = ['A2', 'A3', 'B1', 'B3', 'C2'];
    const schools = [
      ...makeSchools('GM0001', 30, codes, random, { uptake: { A2: 0.5, A3: 0.1, B1: 0.6, B3: 0.8, C2: 0.5 } }),
      ...makeSchools('GM0002', 25, codes, random),
      ...makeSchools('GM0003', 40, codes, random),
    ];
    const input = buildRelease(schools, { releaseId: 'h', interventions: codes, amounts: true, categories: true });
    const released = await protectRelease(input);
    expect(released.pattern.some((p) => p.reason !== 'secondary')).toBe(true);
    expect(released.pattern.some((p) => p.reason === 'secondary')).toBe(true);
    await expectProtected(released, input);
  });

  it('is deterministic: the same tables in another order give the same pattern and audit', async () => {
    const random = lcg(11);
    const codes = ['A2', 'B1', 'B3', 'C2'];
    const schools = [...makeSchools('GM0001', 22, codes, random), ...makeSchools('GM0002', 9, codes, random), ...makeSchools('GM0003', 35, codes, random)];
    const input = buildRelease(schools, { releaseId: 'd', interventions: codes, amounts: true, categories: true });
    const shuffled: ReleaseInput = {
      ...input,
      tables: [...input.tables].reverse().map((t) => ({ ...t, cells: [...t.cells].reverse() })),
      relations: [...(input.relations ?? [])].reverse(),
    };
    const a = await protectRelease(input);
    const b = await protectRelease(input);
    const c = await protectRelease(shuffled);
    expect(b.pattern).toEqual(a.pattern);
    expect(b.audit.cells).toEqual(a.audit.cells);
    expect(c.pattern).toEqual(a.pattern);
  });
});
