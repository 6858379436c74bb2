import { scanDomains, severityLevels } from '@npo/contracts';
import type { SchoolFacts } from '../facts/school-facts.js';

/**
 * Every figure of one unit's table, counted in one pass over its schools. A table has ~170 cells; asking
 * each cell's question of every school made a national release input cost seconds (7,000 schools in five
 * units each, times every cell), one pass costs milliseconds.
 * Amounts keep each school's positive contribution (in school order): the dominance rules need them.
 */
export interface UnitTally {
  readonly submitted: number;
  readonly plan: number;
  readonly approved: number;
  readonly approvedInTime: number;
  readonly scanned: number;
  /** `<domain>:<level>` -> schools. */
  readonly scanLevels: ReadonlyMap<string, number>;
  /** Schools with an active choice of the code / of any code in the category. */
  readonly codeSchools: ReadonlyMap<string, number>;
  readonly categorySchools: ReadonlyMap<string, number>;
  /** Each school's planned cents for the code / the category, when positive. */
  readonly codeCents: ReadonlyMap<string, readonly number[]>;
  readonly categoryCents: ReadonlyMap<string, readonly number[]>;
  readonly budget: readonly number[];
  readonly funds: readonly number[];
}

export const scanLevelKey = (domain: string, level: string): string => `${domain}:${level}`;

// Made once: a key per school and domain would be a new string each time.
const SCAN_KEYS = new Map(scanDomains.map((d) => [d, new Map(severityLevels.map((l) => [l as string, scanLevelKey(d, l)]))]));

export function tallyUnit(schools: readonly SchoolFacts[]): UnitTally {
  let submitted = 0;
  let plan = 0;
  let approved = 0;
  let approvedInTime = 0;
  let scanned = 0;
  const scanLevels = new Map<string, number>();
  const codeSchools = new Map<string, number>();
  const categorySchools = new Map<string, number>();
  const codeCents = new Map<string, number[]>();
  const categoryCents = new Map<string, number[]>();
  const budget: number[] = [];
  const funds: number[] = [];
  const perCode = new Map<string, number>();
  const perCategory = new Map<string, number>();

  for (const s of schools) {
    if (s.submitted) submitted++;
    if (s.choices.length > 0) plan++;
    if (s.approved) approved++;
    if (s.approvedByDeadline) approvedInTime++;
    if (s.scan !== null) {
      scanned++;
      for (const domain of scanDomains) {
        const level = s.scan[domain];
        increment(scanLevels, SCAN_KEYS.get(domain)?.get(level) ?? scanLevelKey(domain, level));
      }
    }
    perCode.clear();
    perCategory.clear();
    let total = 0;
    for (const c of s.choices) {
      perCode.set(c.code, (perCode.get(c.code) ?? 0) + c.cents);
      perCategory.set(c.category, (perCategory.get(c.category) ?? 0) + c.cents);
      total += c.cents;
    }
    schoolShares(perCode, codeSchools, codeCents);
    schoolShares(perCategory, categorySchools, categoryCents);
    if (total > 0) budget.push(total);
    if (s.allocatedCents > 0) funds.push(s.allocatedCents);
  }
  return { submitted, plan, approved, approvedInTime, scanned, scanLevels, codeSchools, categorySchools, codeCents, categoryCents, budget, funds };
}

/** One school's sums per key: the school counts once per key, its sum is a contribution when positive. */
function schoolShares(sums: ReadonlyMap<string, number>, schools: Map<string, number>, cents: Map<string, number[]>): void {
  for (const [key, sum] of sums) {
    increment(schools, key);
    if (sum <= 0) continue;
    const list = cents.get(key);
    if (list === undefined) cents.set(key, [sum]);
    else list.push(sum);
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
