import { type Cell, type Relation, type ReleaseInput, type Table } from '../../src/index.js';

/**
 * Builds a release the way the analytics app is meant to: from school-level facts, every cell an
 * aggregate, every relation one that truly holds. Tests compute their expectations from the schools,
 * never from the library.
 */
export interface School {
  readonly brin: string;
  readonly gemeente: string;
  readonly sector: 'po' | 'vo' | 'so';
  /** Chosen intervention code -> planned budget in cents. */
  readonly choices: Readonly<Record<string, number>>;
}

export interface ReleaseShape {
  readonly releaseId: string;
  readonly interventions: readonly string[];
  /** Include the national breakdown by sector (po/vo/so). */
  readonly bySector?: boolean;
  /** Include planned budgets (amount cells). */
  readonly amounts?: boolean;
  /** Include the category level (first letter of the code) as union (counts) / sum (amounts). */
  readonly categories?: boolean;
  /** With amounts: a presence relation for each count and the amount of the same schools (every choice has a budget > 0). */
  readonly presence?: boolean;
}

const category = (code: string): string => code.slice(0, 1);

export function buildRelease(schools: readonly School[], shape: ReleaseShape): ReleaseInput {
  const gemeenten = [...new Set(schools.map((s) => s.gemeente))].sort();
  const sectors = ['po', 'vo', 'so'] as const;
  const categories = [...new Set(shape.interventions.map(category))].sort();
  const tables: Table[] = [];
  const relations: Relation[] = [];

  const unitCells = (unit: string, members: readonly School[], tableRelations: Relation[]): Cell[] => {
    const cells: Cell[] = [];
    const population = members.length;
    for (const code of shape.interventions) {
      const choosers = members.filter((s) => s.choices[code] !== undefined);
      cells.push({ id: `${unit}/${code}/n`, kind: 'count', value: choosers.length, population, dims: { unit, code } });
      if (shape.amounts === true) {
        cells.push({
          id: `${unit}/${code}/eur`,
          kind: 'amount',
          value: choosers.reduce((a, s) => a + (s.choices[code] ?? 0), 0),
          contributions: choosers.map((s) => s.choices[code] ?? 0),
          population,
        });
        if (shape.presence === true) tableRelations.push({ kind: 'presence', count: `${unit}/${code}/n`, amount: `${unit}/${code}/eur` });
      }
    }
    if (shape.categories === true) {
      for (const cat of categories) {
        const codes = shape.interventions.filter((c) => category(c) === cat);
        const choosers = members.filter((s) => codes.some((c) => s.choices[c] !== undefined));
        cells.push({ id: `${unit}/${cat}/n`, kind: 'count', value: choosers.length, population });
        tableRelations.push({ kind: 'union', total: `${unit}/${cat}/n`, parts: codes.map((c) => `${unit}/${c}/n`) });
        if (shape.amounts === true) {
          const contributions = choosers.map((s) => codes.reduce((a, c) => a + (s.choices[c] ?? 0), 0));
          cells.push({ id: `${unit}/${cat}/eur`, kind: 'amount', value: contributions.reduce((a, b) => a + b, 0), contributions, population });
          tableRelations.push({ kind: 'sum', total: `${unit}/${cat}/eur`, parts: codes.map((c) => `${unit}/${c}/eur`) });
          if (shape.presence === true) tableRelations.push({ kind: 'presence', count: `${unit}/${cat}/n`, amount: `${unit}/${cat}/eur` });
        }
      }
      if (shape.amounts === true) {
        const contributions = members.map((s) => shape.interventions.reduce((a, c) => a + (s.choices[c] ?? 0), 0));
        cells.push({ id: `${unit}/all/eur`, kind: 'amount', value: contributions.reduce((a, b) => a + b, 0), contributions, population });
        tableRelations.push({ kind: 'sum', total: `${unit}/all/eur`, parts: categories.map((c) => `${unit}/${c}/eur`) });
      }
    }
    return cells;
  };

  const addTable = (id: string, unit: string, members: readonly School[]): void => {
    const tableRelations: Relation[] = [];
    tables.push({ id, cells: unitCells(unit, members, tableRelations), relations: tableRelations });
  };

  addTable('national', 'NL', schools);
  for (const g of gemeenten) addTable(`gemeente-${g}`, g, schools.filter((s) => s.gemeente === g));
  if (shape.bySector === true) for (const s of sectors) addTable(`sector-${s}`, s, schools.filter((x) => x.sector === s));

  // The linked-table relations: each breakdown partitions the nation.
  const levelCodes = [...shape.interventions, ...(shape.categories === true ? categories : [])];
  const suffixes = shape.amounts === true ? ['n', 'eur'] : ['n'];
  for (const code of levelCodes) {
    for (const suffix of suffixes) {
      relations.push({ kind: 'sum', total: `NL/${code}/${suffix}`, parts: gemeenten.map((g) => `${g}/${code}/${suffix}`) });
      if (shape.bySector === true) relations.push({ kind: 'sum', total: `NL/${code}/${suffix}`, parts: sectors.map((s) => `${s}/${code}/${suffix}`) });
    }
  }
  if (shape.amounts === true && shape.categories === true) {
    relations.push({ kind: 'sum', total: 'NL/all/eur', parts: gemeenten.map((g) => `${g}/all/eur`) });
    if (shape.bySector === true) relations.push({ kind: 'sum', total: 'NL/all/eur', parts: sectors.map((s) => `${s}/all/eur`) });
  }
  return { releaseId: shape.releaseId, tables, relations };
}

/** A small deterministic generator (LCG), so fixtures do not depend on Math.random. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Schools of a gemeente, choosing each intervention with the given probability. */
export function makeSchools(
  gemeente: string,
  n: number,
  interventions: readonly string[],
  random: () => number,
  options: { readonly uptake?: Readonly<Record<string, number>>; readonly sectors?: readonly ('po' | 'vo' | 'so')[] } = {},
): School[] {
  return Array.from({ length: n }, (_, i) => {
    const choices: Record<string, number> = {};
    for (const code of interventions) {
      if (random() < (options.uptake?.[code] ?? 0.5)) choices[code] = 100 * (5_000 + Math.floor(random() * 40_000));
    }
    const sector = options.sectors?.[i % options.sectors.length] ?? 'po';
    return { brin: `${gemeente}-${String(i).padStart(3, '0')}`, gemeente, sector, choices };
  });
}
