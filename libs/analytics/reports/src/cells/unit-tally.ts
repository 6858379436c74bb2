import { type ScanDomain, scanDomains, type SeverityLevel, severityLevels } from '@npo/contracts';
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

/*
 * Why a school's share is computed once and counted by number: every school sits in four or five units of
 * a year (nation, sector, band, province, gemeente), and summing its choices per code and per category
 * into string-keyed maps for each of them was the largest part of an ad-hoc national view's input.
 */

/** Interned codes, categories and scan keys: a short list (the menukaart and the scan's levels). */
class Keys {
  readonly #index = new Map<string, number>();
  readonly names: string[] = [];
  of(name: string): number {
    let i = this.#index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.#index.set(name, i);
      this.names.push(name);
    }
    return i;
  }
}

const codeKeys = new Keys();
const categoryKeys = new Keys();
const scanKeys = new Keys();
const SCAN_KEY = scanDomains.map((d) => new Map(severityLevels.map((l) => [l as string, scanKeys.of(scanLevelKey(d, l))])));

/** One school's figures: distinct keys with the school's sum for each. */
interface SchoolShare {
  readonly codes: readonly number[];
  readonly codeSums: readonly number[];
  readonly categories: readonly number[];
  readonly categorySums: readonly number[];
  readonly total: number;
  readonly scanKeys: readonly number[] | null;
}

const shares = new WeakMap<SchoolFacts, SchoolShare>();
// Scan records are shared between schools with the same levels (see year-facts), and so are their keys.
const scanKeysOf = new WeakMap<Readonly<Record<ScanDomain, SeverityLevel>>, readonly number[]>();
const NONE: readonly number[] = [];

function scanKeysFor(scan: Readonly<Record<ScanDomain, SeverityLevel>>): readonly number[] {
  let keys = scanKeysOf.get(scan);
  if (keys === undefined) {
    keys = scanDomains.map((domain, d) => SCAN_KEY[d]?.get(scan[domain]) ?? scanKeys.of(scanLevelKey(domain, scan[domain])));
    scanKeysOf.set(scan, keys);
  }
  return keys;
}

function shareOf(s: SchoolFacts): SchoolShare {
  const known = shares.get(s);
  if (known !== undefined) return known;
  const scan = s.scan === null ? null : scanKeysFor(s.scan);
  if (s.choices.length === 0) {
    const share = { codes: NONE, codeSums: NONE, categories: NONE, categorySums: NONE, total: 0, scanKeys: scan };
    shares.set(s, share);
    return share;
  }
  const codes: number[] = [];
  const codeSums: number[] = [];
  const categories: number[] = [];
  const categorySums: number[] = [];
  let total = 0;
  for (const c of s.choices) {
    addTo(codes, codeSums, codeKeys.of(c.code), c.cents);
    addTo(categories, categorySums, categoryKeys.of(c.category), c.cents);
    total += c.cents;
  }
  const share: SchoolShare = { codes, codeSums, categories, categorySums, total, scanKeys: scan };
  shares.set(s, share);
  return share;
}

// A school has a handful of choices: a linear search beats a map.
function addTo(keys: number[], sums: number[], key: number, cents: number): void {
  const at = keys.indexOf(key);
  if (at === -1) {
    keys.push(key);
    sums.push(cents);
  } else sums[at] = (sums[at] ?? 0) + cents;
}

/** Schools per key and each school's positive sum per key, by key number. */
class KeyedCounts {
  readonly schools: number[] = [];
  readonly cents: (number[] | undefined)[] = [];
  add(keys: readonly number[], sums: readonly number[]): void {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as number;
      this.schools[key] = (this.schools[key] ?? 0) + 1;
      const sum = sums[i] as number;
      if (sum <= 0) continue;
      const list = this.cents[key];
      if (list === undefined) this.cents[key] = [sum];
      else list.push(sum);
    }
  }
  schoolMap(names: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    this.schools.forEach((n, key) => out.set(names[key] as string, n));
    return out;
  }
  centsMap(names: readonly string[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    this.cents.forEach((list, key) => {
      if (list !== undefined) out.set(names[key] as string, list);
    });
    return out;
  }
}

export function tallyUnit(schools: readonly SchoolFacts[]): UnitTally {
  let submitted = 0;
  let plan = 0;
  let approved = 0;
  let approvedInTime = 0;
  let scanned = 0;
  const levels: number[] = [];
  const byCode = new KeyedCounts();
  const byCategory = new KeyedCounts();
  const budget: number[] = [];
  const funds: number[] = [];

  for (const s of schools) {
    const share = shareOf(s);
    if (s.submitted) submitted++;
    if (s.choices.length > 0) plan++;
    if (s.approved) approved++;
    if (s.approvedByDeadline) approvedInTime++;
    if (share.scanKeys !== null) {
      scanned++;
      for (const key of share.scanKeys) levels[key] = (levels[key] ?? 0) + 1;
    }
    byCode.add(share.codes, share.codeSums);
    byCategory.add(share.categories, share.categorySums);
    if (share.total > 0) budget.push(share.total);
    if (s.allocatedCents > 0) funds.push(s.allocatedCents);
  }
  const scanLevels = new Map<string, number>();
  levels.forEach((n, key) => scanLevels.set(scanKeys.names[key] as string, n));
  return {
    submitted,
    plan,
    approved,
    approvedInTime,
    scanned,
    scanLevels,
    codeSchools: byCode.schoolMap(codeKeys.names),
    categorySchools: byCategory.schoolMap(categoryKeys.names),
    codeCents: byCode.centsMap(codeKeys.names),
    categoryCents: byCategory.centsMap(categoryKeys.names),
    budget,
    funds,
  };
}
