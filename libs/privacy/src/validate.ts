import { InvalidParametersError, InvalidReleaseInputError } from './errors.js';
import { type Cell, type Relation, type ReleaseInput } from './model.js';
import { type DisclosureParameters } from './parameters.js';

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** All relations of a release: the table-level ones first, then the cross-table ones. */
export function allRelations(input: ReleaseInput): Relation[] {
  return [...input.tables.flatMap((t) => t.relations ?? []), ...(input.relations ?? [])];
}

export function cellsById(input: ReleaseInput): Map<string, Cell> {
  const map = new Map<string, Cell>();
  for (const table of input.tables) for (const cell of table.cells) map.set(cell.id, cell);
  return map;
}

/** The cells a relation names, for validation and graph building. */
export function relationCells(relation: Relation): string[] {
  switch (relation.kind) {
    case 'sum':
    case 'union':
      return [relation.total, ...relation.parts];
    case 'linear':
      return relation.terms.map((t) => t.cell);
    case 'presence':
      return [relation.count, relation.amount];
    default: {
      const unexpected: never = relation;
      throw new Error(`unknown relation ${JSON.stringify(unexpected)}`);
    }
  }
}

export function describeRelation(relation: Relation): string {
  if (relation.id !== undefined) return relation.id;
  switch (relation.kind) {
    case 'sum':
      return `${relation.total} = ${relation.parts.join(' + ')}`;
    case 'union':
      return `${relation.total} = union(${relation.parts.join(', ')})`;
    case 'linear':
      return `${relation.terms.map((t) => `${t.coef}*${t.cell}`).join(' + ')} ${relation.op} ${relation.rhs}`;
    case 'presence':
      return `${relation.amount} > 0 iff ${relation.count} > 0`;
    default: {
      const unexpected: never = relation;
      throw new Error(`unknown relation ${JSON.stringify(unexpected)}`);
    }
  }
}

function cellIssues(cell: Cell): string[] {
  const issues: string[] = [];
  if (!isCount(cell.value)) issues.push(`${cell.id}: value must be a non-negative integer`);
  if (cell.cost !== undefined && !(cell.cost >= 0)) issues.push(`${cell.id}: cost must be >= 0`);
  switch (cell.kind) {
    case 'count':
      if (!isCount(cell.population)) issues.push(`${cell.id}: population must be a non-negative integer`);
      else if (cell.value > cell.population) issues.push(`${cell.id}: value ${cell.value} exceeds population ${cell.population}`);
      break;
    case 'amount': {
      if (!cell.contributions.every(isCount)) issues.push(`${cell.id}: contributions must be non-negative integer cents`);
      const sum = cell.contributions.reduce((a, b) => a + b, 0);
      if (sum !== cell.value) issues.push(`${cell.id}: value ${cell.value} is not the sum of its contributions (${sum})`);
      if (cell.population !== undefined && !isCount(cell.population)) issues.push(`${cell.id}: population must be a non-negative integer`);
      if (cell.upperBound !== undefined && !(cell.upperBound >= cell.value)) issues.push(`${cell.id}: upperBound below value`);
      break;
    }
    default: {
      const unexpected: never = cell;
      throw new Error(`unknown cell ${JSON.stringify(unexpected)}`);
    }
  }
  return issues;
}

function relationIssues(relation: Relation, cells: ReadonlyMap<string, Cell>): string[] {
  const name = describeRelation(relation);
  const ids = relationCells(relation);
  const missing = ids.filter((id) => !cells.has(id));
  if (missing.length > 0) return [`relation ${name}: unknown cell(s) ${missing.join(', ')}`];
  if (new Set(ids).size !== ids.length) return [`relation ${name}: a cell appears twice`];
  if (relation.kind === 'presence') return presenceIssues(name, cells.get(relation.count), cells.get(relation.amount));
  const kinds = new Set(ids.map((id) => cells.get(id)?.kind));
  if (kinds.size > 1) return [`relation ${name}: mixes counts and amounts`];
  const value = (id: string): number => cells.get(id)?.value ?? 0;
  switch (relation.kind) {
    case 'sum': {
      if (relation.parts.length === 0) return [`relation ${name}: no parts`];
      const sum = relation.parts.reduce((a, p) => a + value(p), 0);
      return sum === value(relation.total) ? [] : [`relation ${name} does not hold: parts add up to ${sum}, total is ${value(relation.total)}`];
    }
    case 'union': {
      if (relation.parts.length === 0) return [`relation ${name}: no parts`];
      const total = value(relation.total);
      const sum = relation.parts.reduce((a, p) => a + value(p), 0);
      const max = Math.max(...relation.parts.map(value));
      return max <= total && total <= sum ? [] : [`relation ${name} does not hold: total ${total} outside [${max}, ${sum}]`];
    }
    case 'linear': {
      if (!relation.terms.every((t) => Number.isFinite(t.coef)) || !Number.isFinite(relation.rhs)) return [`relation ${name}: non-finite coefficient`];
      const lhs = relation.terms.reduce((a, t) => a + t.coef * value(t.cell), 0);
      const tolerance = 1e-9 * Math.max(1, Math.abs(relation.rhs));
      const holds =
        relation.op === '=' ? Math.abs(lhs - relation.rhs) <= tolerance : relation.op === '<=' ? lhs <= relation.rhs + tolerance : lhs >= relation.rhs - tolerance;
      return holds ? [] : [`relation ${name} does not hold: left side is ${lhs}`];
    }
    default: {
      const unexpected: never = relation;
      throw new Error(`unknown relation ${JSON.stringify(unexpected)}`);
    }
  }
}

function presenceIssues(name: string, count: Cell | undefined, amount: Cell | undefined): string[] {
  if (count?.kind !== 'count' || amount?.kind !== 'amount') return [`relation ${name}: needs a count and an amount`];
  // The link is only public if it is the rule the data obey: each counted school, and only those, contributes.
  const contributors = amount.contributions.filter((c) => c > 0).length;
  return contributors === count.value ? [] : [`relation ${name} does not hold: ${contributors} schools contribute, the count is ${count.value}`];
}

/** A cell in two presence relations would need two partners; nothing builds that, so refuse it. */
function presenceTwiceIssues(relations: readonly Relation[]): string[] {
  const seen = new Set<string>();
  const issues: string[] = [];
  for (const r of relations) {
    if (r.kind !== 'presence') continue;
    for (const id of [r.count, r.amount]) {
      if (seen.has(id)) issues.push(`cell ${id} is in more than one presence relation`);
      seen.add(id);
    }
  }
  return issues;
}

/** Throws InvalidReleaseInputError listing every problem, so the caller can fix its tables in one go. */
export function validateRelease(input: ReleaseInput): void {
  const issues: string[] = [];
  const tableIds = new Set<string>();
  const cells = new Map<string, Cell>();
  for (const table of input.tables) {
    if (tableIds.has(table.id)) issues.push(`table ${table.id} appears twice`);
    tableIds.add(table.id);
    for (const cell of table.cells) {
      if (cells.has(cell.id)) issues.push(`cell ${cell.id} appears twice (cell ids are unique across a release)`);
      cells.set(cell.id, cell);
      issues.push(...cellIssues(cell));
    }
  }
  const relations = allRelations(input);
  for (const relation of relations) issues.push(...relationIssues(relation, cells));
  issues.push(...presenceTwiceIssues(relations));
  if (issues.length > 0) throw new InvalidReleaseInputError(issues.map((i) => `${input.releaseId}: ${i}`));
}

export function validateParameters(params: DisclosureParameters): void {
  const issues: string[] = [];
  const positiveInt = (name: string, n: number): void => {
    if (!Number.isSafeInteger(n) || n < 1) issues.push(`${name} must be a positive integer`);
  };
  positiveInt('minFrequency', params.minFrequency);
  if (!Number.isSafeInteger(params.allOrNothing.belowPopulation) || params.allOrNothing.belowPopulation < 0) issues.push('allOrNothing.belowPopulation must be an integer >= 0');
  const p = params.dominance.pPercent;
  if (p !== null && !(p > 0 && p <= 100)) issues.push('dominance.pPercent must be in (0, 100] or null');
  for (const rule of params.dominance.nk) {
    positiveInt('dominance.nk.n', rule.n);
    if (!(rule.k > 0 && rule.k <= 100)) issues.push('dominance.nk.k must be in (0, 100]');
  }
  if (!Number.isSafeInteger(params.protection.countMargin) || params.protection.countMargin < 0) issues.push('protection.countMargin must be an integer >= 0');
  if (!(params.protection.amountPercent >= 0)) issues.push('protection.amountPercent must be >= 0');
  if (!(params.protection.amountMinimumCents >= 0)) issues.push('protection.amountMinimumCents must be >= 0');
  positiveInt('protection.minWidth', params.protection.minWidth);
  if (!(params.cost.base > 0) || !(params.cost.perSchool >= 0) || !(params.cost.perEuro >= 0)) issues.push('cost: base must be > 0, per-unit costs >= 0');
  if (!(params.cost.priorSuppressedFactor > 0)) issues.push('cost.priorSuppressedFactor must be > 0');
  positiveInt('maxRepairRounds', params.maxRepairRounds);
  if (typeof params.exactAuditIntervals !== 'boolean') issues.push('exactAuditIntervals must be true or false');
  if (issues.length > 0) throw new InvalidParametersError(issues);
}
