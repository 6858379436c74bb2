import { type AmountCell, type Cell, type CountCell, type PrimaryReason } from './model.js';
import { type DisclosureParameters } from './parameters.js';

/** The first primary rule a cell fails, or null when it may be published on its own. */
export function primaryReason(cell: Cell, params: DisclosureParameters): PrimaryReason | null {
  switch (cell.kind) {
    case 'count':
      return countReason(cell, params);
    case 'amount':
      return amountReason(cell, params);
    default: {
      const unexpected: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unexpected)}`);
    }
  }
}

export function failsThreshold(units: number, params: DisclosureParameters): boolean {
  // Zero is not "a few schools": an empty cell is the all-or-nothing rule's business.
  return units > 0 && units < params.minFrequency;
}

export function failsAllOrNothing(value: number, population: number, params: DisclosureParameters): boolean {
  const rule = params.allOrNothing;
  // A unit without schools has no school to disclose.
  if (population === 0 || population >= rule.belowPopulation) return false;
  return (rule.zero && value === 0) || (rule.full && value === population);
}

function countReason(cell: CountCell, params: DisclosureParameters): PrimaryReason | null {
  if (failsThreshold(cell.value, params)) return 'threshold';
  if (failsAllOrNothing(cell.value, cell.population, params)) return 'all-or-nothing';
  return null;
}

function amountReason(cell: AmountCell, params: DisclosureParameters): PrimaryReason | null {
  const contributors = cell.contributions.filter((c) => c > 0).length;
  if (failsThreshold(contributors, params)) return 'threshold';
  // A zero amount in a small unit says that no school spent anything: every school's answer.
  const { zero, belowPopulation } = params.allOrNothing;
  if (contributors === 0 && zero && cell.population !== undefined && cell.population > 0 && cell.population < belowPopulation) {
    return 'all-or-nothing';
  }
  if (failsDominance(cell.contributions, params)) return 'dominance';
  return null;
}

/**
 * The positive contributions' total and their `n` largest, largest first. A national amount cell has
 * thousands of contributions and the rules need two or three of them: a full sort per cell made the
 * primary rules most of a small report's protection time.
 */
function largest(contributions: readonly number[], n: number): { readonly total: number; readonly top: number[] } {
  const top: number[] = [];
  let total = 0;
  for (const c of contributions) {
    if (!(c > 0)) continue;
    total += c;
    if (n <= 0 || (top.length === n && c <= (top[n - 1] ?? 0))) continue;
    let i = Math.min(top.length, n - 1);
    if (top.length < n) top.push(c);
    while (i > 0 && (top[i - 1] ?? 0) < c) {
      top[i] = top[i - 1] ?? 0;
      i--;
    }
    top[i] = c;
  }
  return { total, top };
}

/**
 * p%-rule: the second-largest contributor knows its own share and subtracts it from the total; what
 * remains besides the largest contribution must hide that contribution by at least p%.
 */
export function failsPPercent(contributions: readonly number[], p: number): boolean {
  const { total, top } = largest(contributions, 2);
  const first = top[0];
  if (first === undefined) return false;
  const rest = total - first - (top[1] ?? 0);
  return rest * 100 < p * first;
}

/** (n,k)-rule: the n largest contributions make up more than k% of the total. */
export function failsNk(contributions: readonly number[], n: number, k: number): boolean {
  const { total, top } = largest(contributions, Math.max(0, n));
  if (total === 0) return false;
  const sum = top.reduce((a, b) => a + b, 0);
  return sum * 100 > k * total;
}

export function failsDominance(contributions: readonly number[], params: DisclosureParameters): boolean {
  const { pPercent, nk } = params.dominance;
  if (pPercent !== null && failsPPercent(contributions, pPercent)) return true;
  return nk.some((rule) => failsNk(contributions, rule.n, rule.k));
}
