import { scanDomains, severityLevels, type Findings, type ScanDomain, type SeverityLevel } from '@npo/contracts';
import { categoryOf, isCodeInEdition, menukaartEditionFor, menukaartOrder, type ProgrammeSchoolYear } from '@npo/domain';
import { calibratedIntercept, categoryOfLatent, logistic } from '../random/distributions.js';
import type { Rng } from '../random/prng.js';
import type { SectorGroup } from '../world/world-types.js';
import {
  choicePersistence,
  codeBehaviour,
  findingNeedCorrelation,
  findingPersistence,
  findingsDistribution,
  laterYearShareFactor,
  repairCodes,
  severitySlope,
  yearIndexOf,
} from './calibration.js';

export const severityIndex = (level: SeverityLevel): number => severityLevels.indexOf(level);

/**
 * The latent part of each domain that carries over from year to year (an AR(1) chain that stays
 * standard normal), so a school with severe reading delays one year tends to have them the next.
 */
export type FindingLatents = Record<ScanDomain, number>;

export function nextLatents(rng: Rng, previous: FindingLatents | undefined): FindingLatents {
  const out = {} as FindingLatents;
  for (const d of scanDomains) {
    const fresh = rng.normal();
    out[d] = previous === undefined ? fresh : findingPersistence * previous[d] + Math.sqrt(1 - findingPersistence ** 2) * fresh;
  }
  return out;
}

/**
 * Findings: per domain a standard-normal latent mixing the school's need with the domain's own chain,
 * mapped onto the year's severity distribution (a Gaussian copula, so each level occurs with exactly
 * the distribution's probability nationally).
 */
export function findingsFor(need: number, latents: FindingLatents, yearIndex: number): Findings {
  const rho = findingNeedCorrelation;
  const out = {} as Record<ScanDomain, SeverityLevel>;
  for (const d of scanDomains) {
    const x = rho * need + Math.sqrt(1 - rho * rho) * latents[d];
    out[d] = severityLevels[categoryOfLatent(x, findingsDistribution(d, yearIndex))] as SeverityLevel;
  }
  return out;
}

// Keyed by code, group and year; solving once per key keeps the bisection off the hot path.
const interceptCache = new Map<string, Map<SectorGroup, Map<ProgrammeSchoolYear, number>>>();

function interceptFor(code: string, group: SectorGroup, year: ProgrammeSchoolYear, solve: () => number): number {
  let byGroup = interceptCache.get(code);
  if (byGroup === undefined) interceptCache.set(code, (byGroup = new Map()));
  let byYear = byGroup.get(group);
  if (byYear === undefined) byGroup.set(group, (byYear = new Map()));
  let a = byYear.get(year);
  if (a === undefined) byYear.set(year, (a = solve()));
  return a;
}

/**
 * Probability that a school with these findings chooses `code`. The intercept is solved so that the
 * expectation over the year's findings distribution equals the target share: choices follow the
 * findings, yet the national share stays at the published figure.
 */
export function choiceProbability(code: string, group: SectorGroup, year: ProgrammeSchoolYear, findings: Findings): number {
  const behaviour = codeBehaviour[code];
  if (behaviour === undefined) return 0;
  const target = behaviour.share[group] * laterYearShareFactor[year];
  if (target <= 0) return 0;
  if (behaviour.driver === undefined) return target;
  const driver = behaviour.driver;
  const intercept = interceptFor(code, group, year, () => calibratedIntercept(target, severitySlope, findingsDistribution(driver, yearIndexOf(year))));
  return logistic(intercept + severitySlope * severityIndex(findings[behaviour.driver]));
}

export const isAtoE = (code: string): boolean => {
  const c = categoryOf(code);
  return c !== undefined && c !== 'F';
};

const allCodes = Object.keys(codeBehaviour).sort((a, b) => menukaartOrder(a) - menukaartOrder(b));

/**
 * The codes a school chooses in a year, in the order it records them: A-E first (in a random order),
 * then F, because F may only be chosen alongside an A-E choice. Never empty of A-E: a plan without
 * one gets a repair code.
 */
export function chooseCodes(
  rng: Rng,
  group: SectorGroup,
  year: ProgrammeSchoolYear,
  findings: Findings,
  previous: ReadonlySet<string> | undefined,
): string[] {
  const edition = menukaartEditionFor(year);
  if (edition === undefined) return [];
  const chosen: string[] = [];
  for (const code of allCodes) {
    if (!isCodeInEdition(code, edition)) continue;
    const keep = previous?.has(code) === true && rng.chance(choicePersistence);
    if (keep || rng.chance(choiceProbability(code, group, year, findings))) chosen.push(code);
  }
  if (!chosen.some(isAtoE)) {
    const repair = rng.shuffled(repairCodes[group]).find((c) => isCodeInEdition(c, edition) && !chosen.includes(c));
    if (repair !== undefined) chosen.push(repair);
  }
  const aToE = rng.shuffled(chosen.filter(isAtoE));
  const f = chosen.filter((c) => !isAtoE(c));
  return [...aToE, ...f];
}

/** A replacement A-E choice not already in the plan (after an MR rejection). */
export function replacementCode(rng: Rng, group: SectorGroup, year: ProgrammeSchoolYear, inPlan: ReadonlySet<string>): string | undefined {
  const edition = menukaartEditionFor(year);
  if (edition === undefined) return undefined;
  const usable = (c: string) => isCodeInEdition(c, edition) && !inPlan.has(c);
  const repair = rng.shuffled(repairCodes[group]).find(usable);
  if (repair !== undefined) return repair;
  // Never a code with a published share: a replacement must not move the calibrated uptake.
  return allCodes.find((c) => isAtoE(c) && usable(c) && codeBehaviour[c]?.published === undefined);
}

/** The domains an intervention aims at: its targets with considerable or severe findings, else its worst one; at most three. */
export function targetDomainsFor(code: string, findings: Findings): ScanDomain[] {
  const targets = codeBehaviour[code]?.targets ?? ['rekenen'];
  const bySeverity = [...targets].sort((a, b) => severityIndex(findings[b]) - severityIndex(findings[a]) || scanDomains.indexOf(a) - scanDomains.indexOf(b));
  const severe = bySeverity.filter((d) => severityIndex(findings[d]) >= 2).slice(0, 3);
  const picked = severe.length > 0 ? severe : bySeverity.slice(0, 1);
  return [...picked].sort((a, b) => scanDomains.indexOf(a) - scanDomains.indexOf(b));
}
