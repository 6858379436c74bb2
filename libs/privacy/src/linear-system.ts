import { type Cell, type CellKind, type Relation, type ReleaseInput } from './model.js';
import { disclosureDefaults } from './parameters.js';
import { boundsFromPartner, presencePairs } from './presence.js';
import { allRelations } from './validate.js';

/** An earlier release of the same statistics: its input (true values) and which cells it suppressed. */
export interface PriorRelease {
  readonly input: ReleaseInput;
  readonly suppressed: readonly string[];
  /**
   * That release's threshold: its published positive amounts prove their counts at least this. Absent in
   * releases stored before it was kept, which all used the default (parameters may only be stricter than
   * the defaults, and none of those releases set it).
   */
  readonly minFrequency?: number;
}

export interface SystemVariable {
  readonly index: number;
  readonly cellId: string;
  readonly releaseId: string;
  /** True for cells of the release being protected; prior releases' cells are history, fixed in their state. */
  readonly current: boolean;
  readonly kind: CellKind;
  readonly value: number;
  /** Public bounds: [0, population] for counts, [0, upperBound or infinity] for amounts. */
  readonly lower: number;
  readonly upper: number;
  /** For prior cells: whether that release published it. */
  readonly publishedInPrior: boolean;
}

/** lower <= sum(coefs[i] * x[cols[i]]) <= upper */
export interface SystemRow {
  readonly cols: readonly number[];
  readonly coefs: readonly number[];
  readonly lower: number;
  readonly upper: number;
}

/**
 * Everything an attacker knows, as linear constraints over one variable per cell: the relations of this
 * release, those of earlier releases that share statistics with it, and equalities that link a statistic
 * across releases when its value did not change (we assume the worst: the attacker can tell).
 */
export interface LinearSystem {
  readonly variables: readonly SystemVariable[];
  readonly rows: readonly SystemRow[];
  /** Current cell id -> variable index. */
  readonly current: ReadonlyMap<string, number>;
  /** Variable -> component id; variables of one component are connected through rows. */
  readonly componentOf: readonly number[];
  readonly components: readonly { readonly variables: readonly number[]; readonly rows: readonly number[] }[];
  /** Current variables equal (same id, same value) to a cell an earlier release published: suppressing them hides nothing. */
  readonly pinnedByHistory: ReadonlySet<number>;
  /** [count, amount] current variables of each presence relation: not a row, but they are protected together. */
  readonly presence: readonly (readonly [number, number])[];
}

function publicUpper(cell: Cell): number {
  switch (cell.kind) {
    case 'count':
      return cell.population;
    case 'amount':
      return cell.upperBound ?? Number.POSITIVE_INFINITY;
    default: {
      const unexpected: never = cell;
      throw new Error(`unknown cell ${JSON.stringify(unexpected)}`);
    }
  }
}

function relationRows(relation: Relation, col: (cellId: string) => number): SystemRow[] {
  switch (relation.kind) {
    case 'sum':
      return [{ cols: [...relation.parts.map(col), col(relation.total)], coefs: [...relation.parts.map(() => 1), -1], lower: 0, upper: 0 }];
    case 'union': {
      const total = col(relation.total);
      const atLeastEachPart = relation.parts.map((p) => ({ cols: [total, col(p)], coefs: [1, -1], lower: 0, upper: Number.POSITIVE_INFINITY }));
      const atMostSum = { cols: [...relation.parts.map(col), total], coefs: [...relation.parts.map(() => 1), -1], lower: 0, upper: Number.POSITIVE_INFINITY };
      return [...atLeastEachPart, atMostSum];
    }
    case 'linear': {
      const row = { cols: relation.terms.map((t) => col(t.cell)), coefs: relation.terms.map((t) => t.coef) };
      switch (relation.op) {
        case '=':
          return [{ ...row, lower: relation.rhs, upper: relation.rhs }];
        case '<=':
          return [{ ...row, lower: Number.NEGATIVE_INFINITY, upper: relation.rhs }];
        case '>=':
          return [{ ...row, lower: relation.rhs, upper: Number.POSITIVE_INFINITY }];
        default: {
          const unexpected: never = relation.op;
          throw new Error(`unknown operator ${String(unexpected)}`);
        }
      }
    }
    case 'presence':
      // Not linear: it narrows public bounds instead (see presence.ts).
      return [];
    default: {
      const unexpected: never = relation;
      throw new Error(`unknown relation ${JSON.stringify(unexpected)}`);
    }
  }
}

interface Occurrence {
  readonly index: number;
  readonly value: number;
}

/** Priors that share an unchanged statistic with the current release, directly or through another prior. */
function linkedPriors(current: ReleaseInput, priors: readonly PriorRelease[]): Set<number> {
  const valuesById = (input: ReleaseInput): Map<string, number> => new Map(input.tables.flatMap((t) => t.cells.map((c) => [c.id, c.value] as const)));
  const maps = priors.map((p) => valuesById(p.input));
  const reached = [valuesById(current)];
  const included = new Set<number>();
  for (let grew = true; grew; ) {
    grew = false;
    maps.forEach((map, i) => {
      if (included.has(i)) return;
      const shares = reached.some((r) => [...map].some(([id, value]) => r.get(id) === value));
      if (shares) {
        included.add(i);
        reached.push(map);
        grew = true;
      }
    });
  }
  return included;
}

/**
 * Bounds the presence links give away in an earlier release: its pattern is fixed, so a suppressed cell
 * beside a published partner is known to be 0 (partner 0) or positive.
 */
function priorPartnerBounds(release: ReleaseInput, suppressed: ReadonlySet<string>, minFrequency: number): Map<string, { lower: number; upper: number }> {
  const values = new Map(release.tables.flatMap((t) => t.cells.map((c) => [c.id, c.value] as const)));
  const bounds = new Map<string, { lower: number; upper: number }>();
  for (const { count, amount } of presencePairs(release)) {
    for (const [cell, partner, partnerKind] of [[count, amount, 'amount'], [amount, count, 'count']] as const) {
      if (suppressed.has(cell) && !suppressed.has(partner)) bounds.set(cell, boundsFromPartner(values.get(partner) ?? 0, partnerKind, minFrequency));
    }
  }
  return bounds;
}

/**
 * `floors`: lower bounds of current cells beyond 0 that the public knows (see presence.ts); a cell's true
 * value is never below its floor.
 */
export function buildLinearSystem(input: ReleaseInput, priors: readonly PriorRelease[] = [], floors: ReadonlyMap<string, number> = new Map()): LinearSystem {
  const variables: SystemVariable[] = [];
  const rows: SystemRow[] = [];
  const current = new Map<string, number>();
  const occurrences = new Map<string, Occurrence[]>();

  const addRelease = (release: ReleaseInput, suppressed: ReadonlySet<string> | null, minFrequency = disclosureDefaults.minFrequency): void => {
    const local = new Map<string, number>();
    const known = suppressed === null ? null : priorPartnerBounds(release, suppressed, minFrequency);
    // Sorted so the LP (and so the pattern) does not depend on the order the caller listed cells in.
    const cells = release.tables.flatMap((t) => t.cells).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const cell of cells) {
      const index = variables.length;
      const link = known === null ? { lower: floors.get(cell.id) ?? 0, upper: Number.POSITIVE_INFINITY } : known.get(cell.id);
      variables.push({
        index,
        cellId: cell.id,
        releaseId: release.releaseId,
        current: suppressed === null,
        kind: cell.kind,
        value: cell.value,
        lower: link?.lower ?? 0,
        upper: Math.min(publicUpper(cell), link?.upper ?? Number.POSITIVE_INFINITY),
        publishedInPrior: suppressed !== null && !suppressed.has(cell.id),
      });
      local.set(cell.id, index);
      if (suppressed === null) current.set(cell.id, index);
      const list = occurrences.get(cell.id) ?? [];
      list.push({ index, value: cell.value });
      occurrences.set(cell.id, list);
    }
    const col = (id: string): number => {
      const index = local.get(id);
      if (index === undefined) throw new Error(`relation names unknown cell ${id}`);
      return index;
    };
    // Canonical row order too: the simplex path, and so the complements chosen, must not depend on how
    // the caller happened to list its relations.
    const releaseRows = allRelations(release).flatMap((relation) => relationRows(relation, col));
    const keyed = releaseRows.map((row) => ({ row, key: rowKey(row) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    rows.push(...keyed.map((k) => k.row));
  };

  addRelease(input, null);
  const included = linkedPriors(input, priors);
  priors.forEach((prior, i) => {
    if (included.has(i)) addRelease(prior.input, new Set(prior.suppressed), prior.minFrequency);
  });

  // Cross-release links: one equality per consecutive pair of equal-valued occurrences of a cell id.
  const pinnedByHistory = new Set<number>();
  for (const list of [...occurrences.values()]) {
    if (list.length < 2) continue;
    const byValue = new Map<number, number[]>();
    for (const o of list) byValue.set(o.value, [...(byValue.get(o.value) ?? []), o.index]);
    for (const group of byValue.values()) {
      for (let i = 1; i < group.length; i++) {
        rows.push({ cols: [group[i - 1] ?? -1, group[i] ?? -1], coefs: [1, -1], lower: 0, upper: 0 });
      }
      if (group.some((i) => variables[i]?.publishedInPrior === true)) {
        for (const i of group) if (variables[i]?.current === true) pinnedByHistory.add(i);
      }
    }
  }

  const { componentOf, components } = connectedComponents(variables.length, rows);
  const presence = presencePairs(input).map(({ count, amount }) => [current.get(count) ?? -1, current.get(amount) ?? -1] as const);
  return { variables, rows, current, componentOf, components, pinnedByHistory, presence };
}

function rowKey(row: SystemRow): string {
  const terms = row.cols.map((c, i) => [c, row.coefs[i] ?? 0] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return `${terms.map(([c, k]) => `${String(c).padStart(9, '0')}:${k}`).join(',')}|${row.lower}|${row.upper}`;
}

function connectedComponents(
  size: number,
  rows: readonly SystemRow[],
): { componentOf: number[]; components: { variables: number[]; rows: number[] }[] } {
  const parent = Array.from({ length: size }, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    while (parent[i] !== root) {
      const next = parent[i] ?? root;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  for (const row of rows) {
    const first = row.cols[0];
    if (first === undefined) continue;
    for (const c of row.cols) {
      const a = find(first);
      const b = find(c);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const idOfRoot = new Map<number, number>();
  const componentOf: number[] = [];
  const components: { variables: number[]; rows: number[] }[] = [];
  for (let i = 0; i < size; i++) {
    const root = find(i);
    let id = idOfRoot.get(root);
    if (id === undefined) {
      id = components.length;
      idOfRoot.set(root, id);
      components.push({ variables: [], rows: [] });
    }
    componentOf.push(id);
    components[id]?.variables.push(i);
  }
  rows.forEach((row, r) => {
    const c = row.cols[0];
    if (c !== undefined) components[componentOf[c] ?? 0]?.rows.push(r);
  });
  return { componentOf, components };
}
