import { describe, expect, it } from 'vitest';
import { type ProtectedRelease, protectRelease, PUBLIC_SUPPRESSION, publicDisclosure, publicValue } from '../src/index.js';
import { buildRelease, type School } from './support/npo-release.js';

/** `choices[i]` are the codes school i of the gemeente chose. */
function gemeente(code: string, choices: readonly (readonly string[])[]): School[] {
  return choices.map((codes, i) => ({ brin: `${code}-${i}`, gemeente: code, sector: 'po', choices: Object.fromEntries(codes.map((c) => [c, 1_000_000])) }));
}

function large(code: string, n: number, b3: number, a3: number): School[] {
  return gemeente(
    code,
    Array.from({ length: n }, (_, i) => [...(i < b3 ? ['B3'] : []), ...(i < a3 ? ['A3'] : [])]),
  );
}

/** Everything a reader of the release gets: every cell as published, and the disclosure record. */
function publicView(release: ProtectedRelease): unknown {
  const cells = Object.fromEntries(release.tables.flatMap((t) => t.cells).map((c) => [c.id, publicValue(c)]));
  return { cells, disclosure: publicDisclosure(release) };
}

describe('the public view of a release', () => {
  // Two worlds that publish the same figures. In the first, both 3-school gemeenten are all-or-nothing
  // (every school chose B3, none A3, and the other way round); in the second, each has 1 or 2 choosers.
  const others = [...large('GM0002', 30, 18, 7), ...large('GM0003', 41, 30, 9)];
  const allOrNothing = [...gemeente('GM0001', [['B3'], ['B3'], ['B3']]), ...gemeente('GM0005', [['A3'], ['A3'], ['A3']]), ...others];
  const some = [...gemeente('GM0001', [['B3', 'A3'], ['A3'], []]), ...gemeente('GM0005', [['A3', 'B3'], ['B3'], []]), ...others];
  const shape = { releaseId: 'r', interventions: ['A3', 'B3'] };

  it('is the same for two worlds that differ only in withheld cells, though their reasons differ', async () => {
    const a = await protectRelease(buildRelease(allOrNothing, shape));
    const b = await protectRelease(buildRelease(some, shape));
    // The maker's view tells the worlds apart: that is what must not reach the public.
    expect(a.pattern.find((p) => p.cellId === 'GM0001/A3/n')?.reason).toBe('all-or-nothing');
    expect(b.pattern.find((p) => p.cellId === 'GM0001/A3/n')?.reason).toBe('threshold');
    expect(publicView(a)).toEqual(publicView(b));
  });

  it('withholds a cell as null with the one public reason, and lists it without why or how it was audited', async () => {
    const release = await protectRelease(buildRelease(allOrNothing, shape));
    const view = publicView(release) as { cells: Record<string, unknown>; disclosure: Record<string, unknown> };
    expect(view.cells['GM0001/B3/n']).toEqual({ value: null, reason: PUBLIC_SUPPRESSION });
    expect(view.cells['NL/B3/n']).toEqual({ value: 3 + 18 + 30 });
    expect(Object.keys(view.disclosure).sort()).toEqual(['audit', 'parameters', 'suppressed']);
    expect(view.disclosure['audit']).toEqual({ ok: true });
    expect(view.disclosure['suppressed']).toEqual(release.pattern.map((p) => p.cellId).sort());
    expect(JSON.stringify(view)).not.toMatch(/protectionRequired|threshold"|all-or-nothing|secondary"|lower|upper/);
  });
});
