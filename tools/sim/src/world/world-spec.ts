import type { Sector } from '@npo/contracts';

/** School counts per sector. */
export type SectorCounts = Readonly<Record<Sector, number>>;

export const zeroCounts: SectorCounts = { bo: 0, sbo: 0, vo: 0, pro: 0, so: 0, vso: 0 };

/** A gemeente fixed by the scale: a real one (code and name from CBS), with its school counts. */
export interface AnchorGemeente {
  readonly code: string;
  readonly name: string;
  readonly urban: number;
  readonly counts: SectorCounts;
  /** Schools that must exist with this BRIN and name (the first schools of their sector). */
  readonly namedSchools?: readonly { readonly brin: string; readonly name: string; readonly sector: Sector }[];
}

/**
 * Schools 2021/22 per NPO-FACTS.md: 6,081 bo, 263 sbo, about 650 vo (split here as 565 vo and 85
 * pro), about 264 (v)so (152 so, 112 vso). 352 gemeenten on 1 January 2021.
 */
export const nationalTotals: SectorCounts = { bo: 6081, sbo: 263, vo: 565, pro: 85, so: 152, vso: 112 };
export const nationalGemeenten2021 = 352;

const bo = (n: number, rest: Partial<Record<Sector, number>> = {}): SectorCounts => ({ ...zeroCounts, bo: n, ...rest });

/**
 * Real gemeenten kept with their CBS code and name; their school counts are round figures of the
 * right size, not DUO counts. The big cities carry most of the achterstand; the Wadden islands are
 * the smallest gemeenten (a school or a few), where reports must suppress.
 */
export const nationalAnchors: readonly AnchorGemeente[] = [
  { code: 'GM0363', name: 'Amsterdam', urban: 1.6, counts: bo(200, { sbo: 9, vo: 60, pro: 6, so: 8, vso: 6 }) },
  { code: 'GM0599', name: 'Rotterdam', urban: 2.0, counts: bo(195, { sbo: 9, vo: 50, pro: 6, so: 8, vso: 6 }) },
  { code: 'GM0518', name: "'s-Gravenhage", urban: 1.7, counts: bo(160, { sbo: 7, vo: 38, pro: 4, so: 6, vso: 5 }) },
  { code: 'GM0344', name: 'Utrecht', urban: 0.8, counts: bo(110, { sbo: 5, vo: 25, pro: 2, so: 4, vso: 3 }) },
  { code: 'GM0014', name: 'Groningen', urban: 0.6, counts: bo(85, { sbo: 4, vo: 14, pro: 2, so: 3, vso: 2 }) },
  { code: 'GM0772', name: 'Eindhoven', urban: 0.8, counts: bo(75, { sbo: 3, vo: 14, pro: 2, so: 3, vso: 2 }) },
  { code: 'GM0034', name: 'Almere', urban: 0.9, counts: bo(70, { sbo: 3, vo: 12, pro: 2, so: 2, vso: 2 }) },
  { code: 'GM0855', name: 'Tilburg', urban: 0.8, counts: bo(65, { sbo: 3, vo: 12, pro: 1, so: 3, vso: 2 }) },
  { code: 'GM0268', name: 'Nijmegen', urban: 0.5, counts: bo(60, { sbo: 3, vo: 11, pro: 1, so: 2, vso: 2 }) },
  { code: 'GM0758', name: 'Breda', urban: 0.4, counts: bo(55, { sbo: 2, vo: 10, pro: 1, so: 2, vso: 2 }) },
  { code: 'GM0080', name: 'Leeuwarden', urban: 0.6, counts: bo(45, { sbo: 2, vo: 8, pro: 1, so: 2, vso: 1 }) },
  { code: 'GM0093', name: 'Terschelling', urban: -0.8, counts: bo(5) },
  { code: 'GM0060', name: 'Ameland', urban: -0.8, counts: bo(4) },
  { code: 'GM0088', name: 'Schiermonnikoog', urban: -1.0, counts: bo(1) },
  { code: 'GM0096', name: 'Vlieland', urban: -1.0, counts: bo(1) },
];

/**
 * The demo world: four real Frisian gemeenten of different sizes. Ameland has three schools, so a
 * report about it has to suppress; Harlingen and Heerenveen are mid-size; Leeuwarden is the city.
 * School 16SW is the one DESIGN.md uses in its token example.
 */
export const demoAnchors: readonly AnchorGemeente[] = [
  { code: 'GM0060', name: 'Ameland', urban: -0.8, counts: bo(3) },
  { code: 'GM0072', name: 'Harlingen', urban: 0.1, counts: bo(8, { vo: 1 }) },
  {
    code: 'GM0074',
    name: 'Heerenveen',
    urban: 0.0,
    counts: bo(20, { sbo: 1, vo: 3, so: 1 }),
    namedSchools: [{ brin: '16SW', name: 'Basisschool De Zuidwester', sector: 'bo' }],
  },
  { code: 'GM0080', name: 'Leeuwarden', urban: 0.6, counts: bo(30, { sbo: 2, vo: 5, pro: 1, so: 1, vso: 1 }) },
];

/**
 * Gemeente mergers (herindelingen) in the national world, so a school's gemeente changes during the
 * programme as NPO-FACTS.md describes: 352 gemeenten (2021) -> 345 (2022) -> 344 (24 March 2022) -> 342
 * (2023). Group sizes per date; which synthetic gemeenten merge is drawn from the seed.
 */
export const nationalMergerPlan: readonly { readonly date: string; readonly groupSizes: readonly number[] }[] = [
  { date: '2022-01-01', groupSizes: [3, 3, 2, 2, 2] },
  { date: '2022-03-24', groupSizes: [2] },
  { date: '2023-01-01', groupSizes: [2, 2] },
];

/** Mean pupils per school and log-scale spread, per sector (po 1,477,938 pupils over 6,344 bo+sbo schools). */
export const pupilModel: Readonly<Record<Sector, { readonly mean: number; readonly sigma: number; readonly min: number }>> = {
  bo: { mean: 232, sigma: 0.5, min: 12 },
  sbo: { mean: 130, sigma: 0.35, min: 40 },
  vo: { mean: 1630, sigma: 0.55, min: 150 },
  pro: { mean: 330, sigma: 0.35, min: 60 },
  so: { mean: 160, sigma: 0.4, min: 20 },
  vso: { mean: 230, sigma: 0.4, min: 30 },
};

/**
 * Scale of the achterstandsscore per pupil (before need, urbanity and the schools that score 0).
 * Tuned so the funding rules reproduce OCW's cited averages (about EUR 180k per basisschool, EUR 1.3m
 * per vo school in 2021-22): about 0.3 units per pupil in bo and 0.4 in vo. See the world spec test.
 */
export const achterstandPerPupil: Readonly<Partial<Record<Sector, number>>> = { bo: 0.305, vo: 0.345, pro: 0.39 };
