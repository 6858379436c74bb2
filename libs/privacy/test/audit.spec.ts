import { describe, expect, it } from 'vitest';
import { auditPattern, InvalidReleaseInputError, protectRelease, ReleaseRefusedError, type ReleaseInput } from '../src/index.js';
import { grid } from './support/grid.js';

// One category with three interventions and a published total: the textbook differencing case.
const category: ReleaseInput = {
  releaseId: 'cat',
  tables: [
    {
      id: 'gemeente',
      cells: [
        { id: 'B', kind: 'count', value: 40, population: 60 },
        { id: 'B1', kind: 'count', value: 3, population: 60 },
        { id: 'B3', kind: 'count', value: 25, population: 60 },
        { id: 'B6', kind: 'count', value: 12, population: 60 },
      ],
      relations: [{ kind: 'sum', total: 'B', parts: ['B1', 'B3', 'B6'] }],
    },
  ],
};

describe('audit', () => {
  it('catches an unsafe pattern built on purpose: the total and all but one sibling published', async () => {
    const audit = await auditPattern(category, ['B1']);
    expect(audit.ok).toBe(false);
    const entry = audit.cells.find((c) => c.cellId === 'B1');
    // 40 - 25 - 12 = 3: the attacker's interval collapses to the true value.
    expect(entry).toMatchObject({ lower: 3, upper: 3, ok: false, reason: 'threshold' });
  });

  it('passes the same table once a sibling is suppressed too, with the interval worked out by hand', async () => {
    const audit = await auditPattern(category, ['B1', 'B6']);
    expect(audit.ok).toBe(true);
    // B1 + B6 = 15 with B1, B6 >= 0: B1 in [0, 15], B6 in [0, 15].
    expect(audit.cells.map((c) => [c.cellId, c.lower, c.upper])).toEqual([
      ['B1', 0, 15],
      ['B6', 0, 15],
    ]);
    expect(audit.cells.find((c) => c.cellId === 'B1')?.protectionRequired).toEqual({ lower: 0, upper: 6, minWidth: 1 });
  });

  it('fails a complement too small to give the margin: suppressing B1 with a sibling of 1 leaves B1 in [0, 4]', async () => {
    const input: ReleaseInput = {
      releaseId: 'small',
      tables: [
        {
          id: 't',
          cells: [
            { id: 'T', kind: 'count', value: 29, population: 60 },
            { id: 'a', kind: 'count', value: 3, population: 60 },
            { id: 'b', kind: 'count', value: 1, population: 60 },
            { id: 'c', kind: 'count', value: 25, population: 60 },
          ],
          relations: [{ kind: 'sum', total: 'T', parts: ['a', 'b', 'c'] }],
        },
      ],
    };
    const audit = await auditPattern(input, ['a', 'b']);
    // a + b = 4: a can reach 4, short of 3 + 3 = 6.
    expect(audit.cells.find((c) => c.cellId === 'a')).toMatchObject({ lower: 0, upper: 4, ok: false });
    // protectRelease widens it (suppresses more) instead of publishing it.
    const released = await protectRelease(input);
    expect(released.audit.ok).toBe(true);
    expect(released.audit.cells.find((c) => c.cellId === 'a')?.upper).toBeGreaterThanOrEqual(6);
  });

  it('by default proves each cell with feasible points: the reported interval lies inside the exact one and meets the requirement', async () => {
    // Gemeenten of 3-30 schools by 6 sectors: most cells primary, so the exploration has work to do.
    const values = Array.from({ length: 12 }, (_, r) => Array.from({ length: 6 }, (_, c) => ((r * 7 + c * 5) % 9) + (r % 3 === 0 ? 20 : 0)));
    const input = grid(values, { pops: values.map((_, r) => (r % 3 === 0 ? 200 : 40)) });
    const released = await protectRelease(input);
    expect(released.audit.ok).toBe(true);
    expect(released.audit.explorationLps).toBeGreaterThan(0);
    const suppressed = released.pattern.map((p) => p.cellId);
    const exact = await auditPattern(input, suppressed, { parameters: { exactAuditIntervals: true } });
    const exactOf = new Map(exact.cells.map((c) => [c.cellId, c]));
    const proven = released.audit.cells.filter((c) => !c.exact);
    expect(proven.length).toBeGreaterThan(0);
    for (const entry of released.audit.cells) {
      const truth = exactOf.get(entry.cellId);
      expect(truth?.exact).toBe(true);
      expect(entry.lower, entry.cellId).toBeGreaterThanOrEqual(truth?.lower ?? Number.NaN);
      expect(entry.upper, entry.cellId).toBeLessThanOrEqual(truth?.upper ?? Number.NaN);
      expect(entry.ok).toBe(truth?.ok);
      if (entry.exact) expect([entry.lower, entry.upper]).toEqual([truth?.lower, truth?.upper]);
    }
    // The exact audit pays two LPs for (almost) every cell; the proof needs far fewer single-cell LPs.
    expect(released.audit.lpSolves).toBeLessThan(exact.lpSolves);
  });

  it('reports published cells that fail a primary rule', async () => {
    const audit = await auditPattern(category, []);
    expect(audit.publishedSensitive).toEqual(['B1']);
    expect(audit.ok).toBe(false);
  });

  it('refuses a release it cannot protect, with a typed error listing the cells', async () => {
    // Every possible complement is marked as never to be suppressed.
    const input = grid(
      [
        [3, 10],
        [8, 9],
      ],
      { cost: { r0c1: Infinity, r1c0: Infinity, r0T: Infinity, Tc0: Infinity } },
    );
    const refusal = await protectRelease(input).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ReleaseRefusedError);
    const error = refusal as ReleaseRefusedError;
    expect(error.code).toBe('privacy.release-refused');
    expect(error.releaseId).toBe('grid');
    expect(error.cells.map((c) => c.cellId)).toContain('r0c0');
    expect(error.cells.find((c) => c.cellId === 'r0c0')).toMatchObject({ lower: 3, upper: 3, ok: false });
  });

  it('audit entries of a protected release all hold and contain the true value', async () => {
    const input = grid([
      [3, 10, 20],
      [8, 9, 15],
      [12, 7, 30],
    ]);
    const released = await protectRelease(input, { parameters: { exactAuditIntervals: true } });
    const truth = new Map(input.tables[0]?.cells.map((c) => [c.id, c.value]));
    expect(released.audit.ok).toBe(true);
    expect(released.audit.cells.every((c) => c.exact)).toBe(true);
    expect(released.audit.cells.map((c) => c.cellId)).toEqual(released.pattern.map((p) => p.cellId));
    for (const entry of released.audit.cells) {
      expect(entry.ok).toBe(true);
      expect(entry.lower).toBeLessThanOrEqual(truth.get(entry.cellId) ?? -1);
      expect(entry.upper).toBeGreaterThanOrEqual(truth.get(entry.cellId) ?? -1);
    }
    // The rectangle r0c0, r0c1, r1c0, r1c1 leaves one free parameter t = r0c0: r0c1 = 13 - t, r1c0 = 11 - t, r1c1 = 6 + t.
    expect(released.audit.cells.find((c) => c.cellId === 'r0c0')).toMatchObject({ lower: 0, upper: 11 });
    expect(released.audit.cells.find((c) => c.cellId === 'r1c1')).toMatchObject({ lower: 6, upper: 17 });
  });

  it('rejects tables whose relations do not hold, listing every problem', async () => {
    const broken: ReleaseInput = {
      releaseId: 'broken',
      tables: [
        {
          id: 't',
          cells: [
            { id: 'T', kind: 'count', value: 10, population: 50 },
            { id: 'a', kind: 'count', value: 6, population: 50 },
            { id: 'b', kind: 'count', value: 6, population: 50 },
            { id: 'c', kind: 'count', value: 70, population: 50 },
            { id: 'e', kind: 'amount', value: 100, contributions: [40, 50] },
          ],
          relations: [
            { kind: 'sum', total: 'T', parts: ['a', 'b'] },
            { kind: 'sum', total: 'T', parts: ['a', 'missing'] },
            { kind: 'sum', total: 'e', parts: ['a'] },
          ],
        },
      ],
    };
    const error = await protectRelease(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidReleaseInputError);
    const issues = (error as InvalidReleaseInputError).issues.join('\n');
    expect(issues).toMatch(/parts add up to 12, total is 10/);
    expect(issues).toMatch(/unknown cell\(s\) missing/);
    expect(issues).toMatch(/c: value 70 exceeds population 50/);
    expect(issues).toMatch(/e: value 100 is not the sum of its contributions \(90\)/);
    expect(issues).toMatch(/mixes counts and amounts/);
  });

  it('uses union relations: schools in a category are at least each intervention and at most their sum', async () => {
    const input: ReleaseInput = {
      releaseId: 'union',
      tables: [
        {
          id: 't',
          cells: [
            { id: 'B', kind: 'count', value: 10, population: 40 },
            { id: 'B1', kind: 'count', value: 3, population: 40 },
            { id: 'B3', kind: 'count', value: 8, population: 40 },
          ],
          relations: [{ kind: 'union', total: 'B', parts: ['B1', 'B3'] }],
        },
      ],
    };
    // B1 <= B = 10 and B <= B1 + B3 gives B1 >= 2: the attacker knows at least 2 schools chose B1.
    const audit = await auditPattern(input, ['B1']);
    expect(audit.cells[0]).toMatchObject({ cellId: 'B1', lower: 2, upper: 10, ok: false });
    const released = await protectRelease(input);
    expect(released.audit.cells.find((c) => c.cellId === 'B1')).toMatchObject({ lower: 0, ok: true });
  });

  it('bounds an unrelated suppressed amount by its public upper bound, or not at all', async () => {
    const amount = (upperBound?: number): ReleaseInput => ({
      releaseId: 'eur',
      tables: [
        {
          id: 't',
          cells: [{ id: 'x', kind: 'amount', value: 300_000, contributions: [100_000, 200_000], ...(upperBound === undefined ? {} : { upperBound }) }],
        },
      ],
    });
    expect((await protectRelease(amount(5_000_000))).audit.cells[0]).toMatchObject({ lower: 0, upper: 5_000_000, reason: 'threshold', ok: true });
    expect((await protectRelease(amount())).audit.cells[0]).toMatchObject({ lower: 0, upper: Infinity, ok: true });
  });

  it('rejects a pattern or a prior release that names cells the release does not have', async () => {
    await expect(auditPattern(category, ['B9'])).rejects.toBeInstanceOf(InvalidReleaseInputError);
    await expect(protectRelease(category, { priorReleases: [{ input: category, suppressed: ['nope'] }] })).rejects.toBeInstanceOf(InvalidReleaseInputError);
  });
});

