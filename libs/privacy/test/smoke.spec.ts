import { describe, expect, it } from 'vitest';
import { protectRelease, type Cell, type Relation } from '../src/index.js';

describe('smoke', () => {
  it('protects a 3x3 table', async () => {
    const v = [
      [3, 10, 20],
      [8, 9, 15],
      [12, 7, 30],
    ];
    const cells: Cell[] = [];
    const relations: Relation[] = [];
    const pop = 100;
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) cells.push({ id: `r${r}c${c}`, kind: 'count', value: v[r]![c]!, population: pop });
    for (let r = 0; r < 3; r++) { cells.push({ id: `r${r}T`, kind: 'count', value: v[r]!.reduce((a, b) => a + b), population: 300 }); relations.push({ kind: 'sum', total: `r${r}T`, parts: [0, 1, 2].map((c) => `r${r}c${c}`) }); }
    for (let c = 0; c < 3; c++) { cells.push({ id: `Tc${c}`, kind: 'count', value: v.reduce((a, row) => a + row[c]!, 0), population: 300 }); relations.push({ kind: 'sum', total: `Tc${c}`, parts: [0, 1, 2].map((r) => `r${r}c${c}`) }); }
    cells.push({ id: 'TT', kind: 'count', value: 114, population: 900 });
    relations.push({ kind: 'sum', total: 'TT', parts: ['r0T', 'r1T', 'r2T'] });
    relations.push({ kind: 'sum', total: 'TT', parts: ['Tc0', 'Tc1', 'Tc2'] });
    const out = await protectRelease({ releaseId: 'r1', tables: [{ id: 't', cells, relations }] });
    console.log(JSON.stringify(out.pattern), JSON.stringify(out.audit.cells));
    expect(out.audit.ok).toBe(true);
  });
});
