import { type Cell, type Relation, type ReleaseInput } from '../../src/index.js';

/**
 * A two-way table of counts with row totals, column totals and a grand total (a sum in both directions):
 * rows are units (gemeenten), columns are a partition (sectors). Row r's cells have population pops[r].
 */
export function grid(
  values: readonly (readonly number[])[],
  options: { readonly pops?: readonly number[]; readonly releaseId?: string; readonly cost?: Readonly<Record<string, number>> } = {},
): ReleaseInput {
  const rows = values.length;
  const cols = values[0]?.length ?? 0;
  const pops = options.pops ?? values.map(() => 1000);
  const cells: Cell[] = [];
  const relations: Relation[] = [];
  const cost = (id: string): { cost?: number } => (options.cost?.[id] === undefined ? {} : { cost: options.cost[id] });
  const at = (r: number, c: number): number => values[r]?.[c] ?? 0;
  const colTotal = (c: number): number => values.reduce((a, row) => a + (row[c] ?? 0), 0);
  const total = values.flat().reduce((a, b) => a + b, 0);
  const allPop = pops.reduce((a, b) => a + b, 0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) cells.push({ id: `r${r}c${c}`, kind: 'count', value: at(r, c), population: pops[r] ?? 0, ...cost(`r${r}c${c}`) });
    cells.push({ id: `r${r}T`, kind: 'count', value: (values[r] ?? []).reduce((a, b) => a + b, 0), population: (pops[r] ?? 0) * cols, ...cost(`r${r}T`) });
    relations.push({ kind: 'sum', total: `r${r}T`, parts: Array.from({ length: cols }, (_, c) => `r${r}c${c}`) });
  }
  for (let c = 0; c < cols; c++) {
    cells.push({ id: `Tc${c}`, kind: 'count', value: colTotal(c), population: allPop, ...cost(`Tc${c}`) });
    relations.push({ kind: 'sum', total: `Tc${c}`, parts: Array.from({ length: rows }, (_, r) => `r${r}c${c}`) });
  }
  cells.push({ id: 'TT', kind: 'count', value: total, population: allPop * cols, ...cost('TT') });
  relations.push({ kind: 'sum', total: 'TT', parts: Array.from({ length: rows }, (_, r) => `r${r}T`) });
  relations.push({ kind: 'sum', total: 'TT', parts: Array.from({ length: cols }, (_, c) => `Tc${c}`) });
  return { releaseId: options.releaseId ?? 'grid', tables: [{ id: 'grid', cells, relations }] };
}
