/*
 * Cell ids are unique across a release and stable across releases, so the privacy library can link
 * the same statistic in an earlier release (tracker protection) by id:
 *   <schoolYear>|<unit>|<measure>     e.g. 2021-2022|GM0363|int:B3:n
 *   evidence|NL|<measure>             e.g. evidence|NL|eval:B3:n
 * Units: NL, a gemeente code, sector:<po|vo|vso>, band:<code>, province:<PVnn>; and in a gemeente's ad-hoc
 * view rest:<gemeente code>, the other schools of the nation.
 */

export type UnitKind = 'nl' | 'gemeente' | 'sector' | 'band' | 'province' | 'rest';

export const NATIONAL = 'NL';
export const unitId = {
  national: NATIONAL,
  gemeente: (code: string): string => code,
  sector: (group: string): string => `sector:${group}`,
  band: (code: string): string => `band:${code}`,
  province: (code: string): string => `province:${code}`,
  /** The nation's schools outside one gemeente: the other part of the nation in a gemeente's ad-hoc view. */
  rest: (gemeente: string): string => `rest:${gemeente}`,
};

export const measure = {
  submitted: 'submitted',
  plan: 'plan',
  approved: 'approved',
  approvedInTime: 'approved-in-time',
  scanned: 'scanned',
  scanLevel: (domain: string, level: string): string => `scan:${domain}:${level}`,
  categoryCount: (category: string): string => `cat:${category}:n`,
  categoryAmount: (category: string): string => `cat:${category}:eur`,
  interventionCount: (code: string): string => `int:${code}:n`,
  interventionAmount: (code: string): string => `int:${code}:eur`,
  budget: 'budget:eur',
  funds: 'funds:eur',
  evaluated: (code: string): string => `eval:${code}:n`,
  implemented: (code: string, value: string): string => `eval:${code}:${value}`,
  measured: (code: string): string => `measured:${code}:n`,
};

export const cellId = (scope: string, unit: string, m: string): string => `${scope}|${unit}|${m}`;
export const EVIDENCE_SCOPE = 'evidence';
