import { describe, expect, it } from 'vitest';
import { priorReleaseOf, protectRelease, type ReleaseInput } from '../src/index.js';

const release = (releaseId: string, v: { a: number; b: number; c: number }, population = 60, prefix = '', withKeys = false): ReleaseInput => {
  const cell = (id: string, value: number) => ({
    id: `${prefix}${id}`,
    kind: 'count' as const,
    value,
    population,
    ...(withKeys ? { key: id } : {}),
  });
  return {
    releaseId,
    tables: [
      {
        id: 't',
        cells: [cell('T', v.a + v.b + v.c), cell('a', v.a), cell('b', v.b), cell('c', v.c)],
        relations: [{ kind: 'sum', total: `${prefix}T`, parts: [`${prefix}a`, `${prefix}b`, `${prefix}c`] }],
      },
    ],
  };
};

describe('multi-release tracking', () => {
  const firstInput = release('R1', { a: 3, b: 10, c: 12 });

  it('keeps a complement of the earlier release suppressed when the population is unchanged', async () => {
    const r1 = await protectRelease(firstInput);
    expect(r1.pattern.map((p) => p.cellId)).toEqual(['a', 'b']);
    // In R2 b grew past c, so on its own R2 would take c (the cheaper) as a's complement.
    const secondInput = release('R2', { a: 3, b: 20, c: 13 });
    const alone = await protectRelease(secondInput);
    expect(alone.pattern.map((p) => p.cellId)).toEqual(['a', 'c']);
    const tracked = await protectRelease(secondInput, { priorReleases: [priorReleaseOf(firstInput, r1)] });
    expect(tracked.pattern.find((p) => p.cellId === 'b')).toEqual({ cellId: 'b', reason: 'secondary', carriedOverFrom: 'R1' });
    expect(tracked.audit.ok).toBe(true);
  });

  it('does not carry the pattern over when the unit changed size', async () => {
    const r1 = await protectRelease(firstInput);
    const tracked = await protectRelease(release('R2', { a: 3, b: 20, c: 13 }, 61), { priorReleases: [priorReleaseOf(firstInput, r1)] });
    expect(tracked.pattern.some((p) => p.carriedOverFrom !== undefined)).toBe(false);
  });

  it('matches statistics across school years by key', async () => {
    const y1 = release('2021-2022', { a: 3, b: 10, c: 12 }, 60, '2021/', true);
    const r1 = await protectRelease(y1);
    const y2 = await protectRelease(release('2022-2023', { a: 2, b: 20, c: 13 }, 60, '2022/', true), { priorReleases: [priorReleaseOf(y1, r1)] });
    expect(y2.pattern.find((p) => p.cellId === '2022/b')?.carriedOverFrom).toBe('2021-2022');
  });

  it('keeps each school year of a multi-year release on its own pattern, though keys leave the year out', async () => {
    // One release with both years (as the analytics app makes them): 2021 hides {a, b}, 2022 hides {a, c}.
    const years = (releaseId: string): ReleaseInput => {
      const y1 = release(releaseId, { a: 3, b: 10, c: 12 }, 60, '2021/', true);
      const y2 = release(releaseId, { a: 2, b: 30, c: 9 }, 60, '2022/', true);
      return { releaseId, tables: [...y1.tables.map((t) => ({ ...t, id: '2021' })), ...y2.tables.map((t) => ({ ...t, id: '2022' }))] };
    };
    const r1 = await protectRelease(years('R1'));
    expect(r1.pattern.map((p) => p.cellId)).toEqual(['2021/a', '2021/b', '2022/a', '2022/c']);
    // The next release of the same figures keeps exactly that pattern. Matching by key alone would carry
    // 2022/c's suppression over to 2021/c, which R1 published: pinned, and the release refused.
    const r2 = await protectRelease(years('R2'), { priorReleases: [priorReleaseOf(years('R1'), r1)] });
    expect(r2.pattern.map((p) => p.cellId)).toEqual(r1.pattern.map((p) => p.cellId));
    expect(r2.pattern.filter((p) => p.carriedOverFrom === 'R1').map((p) => p.cellId)).toEqual(['2021/b', '2022/c']);
  });

  it('treats what an earlier release suppressed as unknown, and what it published as known', async () => {
    const r1 = await protectRelease(firstInput);
    // Same figures again: the audit must see the same freedom as in R1, not the true values of R1's hidden cells.
    const again = await protectRelease(release('R2', { a: 3, b: 10, c: 12 }), { priorReleases: [priorReleaseOf(firstInput, r1)] });
    expect(again.audit.cells).toEqual(r1.audit.cells);
  });

  it('never takes as a complement a figure an earlier release published with the same value', async () => {
    const r1 = await protectRelease(firstInput);
    // c is unchanged (12) and was published in R1: hiding it now would hide nothing.
    const tracked = await protectRelease(release('R2', { a: 3, b: 40, c: 12 }, 60), { priorReleases: [priorReleaseOf(firstInput, r1)] });
    expect(tracked.pattern.map((p) => p.cellId)).not.toContain('c');
    expect(tracked.audit.ok).toBe(true);
  });
});
