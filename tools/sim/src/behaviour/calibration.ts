import { programmeSchoolYears, type ProgrammeSchoolYear, type ScanDomain } from '@npo/domain';
import type { SectorGroup } from '../world/world-types.js';

/*
 * The behaviour model's numbers in one place. Where the NPO's domain facts have a published figure it is used
 * and marked `published`; everything else is an assumption chosen to be plausible and kept lower
 * than the published top choices, as the monitors suggest.
 */

type PerGroup = Readonly<Record<SectorGroup, number>>;
const g = (po: number, vo: number, vso: number): PerGroup => ({ po, vo, vso });

export interface CodeBehaviour {
  /** Share of schools (of the group) choosing the code in 2021-2022. */
  readonly share: PerGroup;
  /** Group shares that are published figures (first implementatiemonitor, Nov 2021). */
  readonly published?: readonly SectorGroup[];
  /** The scan domain whose severity makes the choice likelier (one domain, so the calibration stays exact). */
  readonly driver?: ScanDomain;
  /** Domains the intervention may target; the severe ones among them are chosen. */
  readonly targets: readonly ScanDomain[];
  /** Share of the school's pupils reached, as a range. */
  readonly reach: readonly [number, number];
}

const cognitive: readonly ScanDomain[] = ['rekenen', 'taal', 'lezen'];

export const codeBehaviour: Readonly<Record<string, CodeBehaviour>> = {
  A1: { share: g(0.08, 0, 0.04), driver: 'taal', targets: ['taal', 'rekenen'], reach: [0.1, 0.25] },
  A2: { share: g(0.2, 0.25, 0.12), driver: 'rekenen', targets: cognitive, reach: [0.2, 0.6] },
  A3: { share: g(0.12, 0.3, 0.05), driver: 'taal', targets: [...cognitive, 'welbevinden'], reach: [0.05, 0.15] },
  B1: { share: g(0.4, 0.35, 0.4), driver: 'rekenen', targets: cognitive, reach: [0.05, 0.15] },
  B2: { share: g(0.25, 0.25, 0.3), driver: 'lezen', targets: cognitive, reach: [0.1, 0.25] },
  B3: { share: g(0.86, 0.85, 0.75), published: ['po', 'vo'], driver: 'rekenen', targets: cognitive, reach: [0.15, 0.4] },
  B4: { share: g(0.25, 0.2, 0.25), driver: 'rekenen', targets: cognitive, reach: [0.3, 0.8] },
  B5: { share: g(0.2, 0.15, 0.1), driver: 'lezen', targets: [...cognitive, 'sociaalEmotioneel'], reach: [0.3, 0.8] },
  B6: { share: g(0.3, 0.3, 0.2), driver: 'rekenen', targets: [...cognitive, 'executieveFuncties'], reach: [0.4, 1] },
  B7: { share: g(0.1, 0.1, 0.08), driver: 'rekenen', targets: cognitive, reach: [0.3, 0.8] },
  B8: { share: g(0.35, 0.2, 0.2), driver: 'lezen', targets: ['lezen', 'taal'], reach: [0.2, 0.5] },
  B9: { share: g(0.15, 0.08, 0.25), driver: 'taal', targets: ['taal'], reach: [0.1, 0.3] },
  B10: { share: g(0.2, 0, 0.12), driver: 'lezen', targets: ['lezen', 'taal'], reach: [0.1, 0.3] },
  B11: { share: g(0.1, 0.12, 0.08), driver: 'taal', targets: ['taal'], reach: [0.2, 0.6] },
  B12: { share: g(0, 0.35, 0.2), driver: 'welbevinden', targets: ['executieveFuncties', 'welbevinden'], reach: [0.2, 0.6] },
  C1: { share: g(0.72, 0.92, 0.75), published: ['po', 'vo'], driver: 'welbevinden', targets: ['welbevinden', 'sociaalEmotioneel'], reach: [0.3, 1] },
  C2: { share: g(0.4, 0.8, 0.45), published: ['vo'], driver: 'welbevinden', targets: ['welbevinden', 'sociaalEmotioneel'], reach: [0.3, 1] },
  C3: { share: g(0.35, 0.45, 0.3), driver: 'sociaalEmotioneel', targets: ['sociaalEmotioneel', 'welbevinden'], reach: [0.3, 1] },
  D1: { share: g(0.3, 0.35, 0.25), driver: 'executieveFuncties', targets: ['executieveFuncties'], reach: [0.3, 0.9] },
  D2: { share: g(0.2, 0.2, 0.12), driver: 'executieveFuncties', targets: ['executieveFuncties', 'sociaalEmotioneel'], reach: [0.3, 0.9] },
  E1: { share: g(0.15, 0.12, 0.12), targets: [...cognitive, 'sociaalEmotioneel'], reach: [0.4, 1] },
  E2: { share: g(0.74, 0.45, 0.7), published: ['po'], driver: 'taal', targets: cognitive, reach: [0.2, 0.5] },
  F1: { share: g(0.2, 0.1, 0.25), targets: ['sociaalEmotioneel', 'welbevinden', 'taal'], reach: [0.5, 1] },
  F2: { share: g(0.3, 0.35, 0.2), targets: cognitive, reach: [0.3, 1] },
};

/** Codes only used to repair a plan (a replacement after an MR rejection, or a plan without A-E). */
export const repairCodes: Readonly<Record<SectorGroup, readonly string[]>> = {
  po: ['B1', 'B2', 'B6', 'D1'],
  vo: ['B1', 'B2', 'B6', 'D1'],
  vso: ['B1', 'B2', 'B6', 'D1'],
};

/** Log-odds added per severity level of the driver domain (none 0 .. severe 3). */
export const severitySlope = 0.45;

/**
 * Severity distributions (none, mild, considerable, severe) of the scan findings per domain in
 * 2021-2022; later years move towards milder findings as schools caught up.
 */
export const findings2021: Readonly<Record<ScanDomain, readonly number[]>> = {
  rekenen: [0.15, 0.4, 0.33, 0.12],
  taal: [0.2, 0.42, 0.28, 0.1],
  lezen: [0.15, 0.4, 0.32, 0.13],
  executieveFuncties: [0.2, 0.42, 0.28, 0.1],
  sociaalEmotioneel: [0.18, 0.42, 0.3, 0.1],
  welbevinden: [0.15, 0.4, 0.33, 0.12],
};

export function findingsDistribution(domain: ScanDomain, yearIndex: number): readonly number[] {
  const [none, mild, considerable, severe] = findings2021[domain] as [number, number, number, number];
  // Each later year moves a fifth of the considerable and severe share one level down.
  let d: [number, number, number, number] = [none, mild, considerable, severe];
  for (let i = 0; i < yearIndex; i++) {
    const [n, m, c, s] = d;
    d = [n + 0.2 * m, 0.8 * m + 0.2 * c, 0.8 * c + 0.2 * s, 0.8 * s];
  }
  return d;
}

/** Correlation of a domain's finding with the school's need, and of a domain with itself a year later. */
export const findingNeedCorrelation = 0.45;
export const findingPersistence = 0.6;

/**
 * Share of schools with a plan in each year. 2021-22: all (the money came with the obligation). The
 * 2023-24 figures are the SEO monitor's "money left at the start of 2023/24" (po 65%, vo 87%, (v)so 71%);
 * 2022-23 and 2024-25 are assumptions.
 */
export const participation: Readonly<Record<ProgrammeSchoolYear, PerGroup>> = {
  '2021-2022': g(1, 1, 1),
  '2022-2023': g(0.97, 0.98, 0.97),
  '2023-2024': g(0.65, 0.87, 0.71),
  '2024-2025': g(0.4, 0.6, 0.45),
};

/** From 2022-23 on, a school keeps each earlier choice with this probability, else chooses afresh. */
export const choicePersistence = 0.6;
/** Multiplies the 2021-22 shares for a fresh choice in later years (fewer new interventions). */
export const laterYearShareFactor: Readonly<Record<ProgrammeSchoolYear, number>> = {
  '2021-2022': 1,
  '2022-2023': 0.9,
  '2023-2024': 0.75,
  '2024-2025': 0.65,
};

/**
 * Share of schools where all planned interventions ran (SEO monitor 2021/22: po 45%, vo 28%,
 * (v)so 38%); later years assumed ten points better.
 */
export const allRunning: Readonly<Record<ProgrammeSchoolYear, PerGroup>> = {
  '2021-2022': g(0.45, 0.28, 0.38),
  '2022-2023': g(0.55, 0.38, 0.48),
  '2023-2024': g(0.55, 0.38, 0.48),
  '2024-2025': g(0.55, 0.38, 0.48),
};

/** What happens to an intervention that does not run as planned. */
export const problemKinds = { withdrawn: 0.35, partly: 0.5, no: 0.15 } as const;

/**
 * MR outcome per plan. "Not every MR had consented by spring 2022": some decide late (after the
 * 10 July deadline), some reject first and consent to a changed plan, a few never decide.
 */
export interface MrOutcomeShares {
  readonly onTime: number;
  readonly late: number;
  readonly rejectedThenApproved: number;
  readonly rejectedOnly: number;
  readonly none: number;
}
export const mrOutcomes: Readonly<Record<ProgrammeSchoolYear, MrOutcomeShares>> = {
  '2021-2022': { onTime: 0.74, late: 0.15, rejectedThenApproved: 0.05, rejectedOnly: 0.01, none: 0.05 },
  '2022-2023': { onTime: 0.84, late: 0.09, rejectedThenApproved: 0.03, rejectedOnly: 0.01, none: 0.03 },
  '2023-2024': { onTime: 0.84, late: 0.09, rejectedThenApproved: 0.03, rejectedOnly: 0.01, none: 0.03 },
  '2024-2025': { onTime: 0.84, late: 0.09, rejectedThenApproved: 0.03, rejectedOnly: 0.01, none: 0.03 },
};
/** After a withdrawal makes an approved plan need consent again, the MR consents again this often. */
export const reconsentShare = 0.7;
/** The MR deadline as configuration: month and day before the school year starts (NPO-FACTS: 10 July). */
export const mrDeadline = { month: 7, day: 10 } as const;

/** Share of scans done late, in the autumn of the school year itself. */
export const lateScanShare = 0.05;

/** Evaluations: how often a choice is evaluated, and how often with a measured effect. */
export const evaluationShare = { active: 0.75, withdrawn: 0.5 } as const;
export const measuredShare = { cognitive: 0.35, other: 0.15 } as const;
/** Spread of true effects between schools (Hedges g), around the menukaart's figure. */
export const effectHeterogeneity = 0.1;
/** Effect size assumed for interventions the menukaart does not rate ("-"). */
export const unratedEffect = 0.05;
export const implementationFactor = { yes: 1, partly: 0.5, no: 0.1 } as const;

export const yearIndexOf = (year: ProgrammeSchoolYear): number => programmeSchoolYears.indexOf(year);
