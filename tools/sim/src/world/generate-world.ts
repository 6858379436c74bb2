import { sectors, type Sector } from '@npo/contracts';
import { apportion, clamp, logistic, logNormalWithMean } from '../random/distributions.js';
import { derive, type Rng } from '../random/prng.js';
import { allocateBrins } from './brin.js';
import { gemeenteName, schoolName } from './names.js';
import {
  achterstandPerPupil,
  demoAnchors,
  nationalAnchors,
  nationalGemeenten2021,
  nationalMergerPlan,
  nationalTotals,
  pupilModel,
  zeroCounts,
  type AnchorGemeente,
  type SectorCounts,
} from './world-spec.js';
import type { Gemeente, Merger, School, SimScale, World } from './world-types.js';

export interface WorldOptions {
  readonly scale: SimScale;
  readonly seed: number;
  /** Stress only: every national school count is multiplied by this factor. */
  readonly schoolMultiplier?: number;
}

interface GemeenteWithCounts {
  readonly gemeente: Gemeente;
  readonly counts: SectorCounts;
  readonly namedSchools: NonNullable<AnchorGemeente['namedSchools']>;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Synthetic gemeenten get codes from GM2001 upward, mergers from GM2901: outside the CBS range in use. */
const syntheticCode = (i: number): string => `GM${String(2001 + i)}`;
const mergedCode = (i: number): string => `GM${String(2901 + i)}`;

function anchorEntry(a: AnchorGemeente): GemeenteWithCounts {
  return { gemeente: { code: a.code, name: a.name, real: true, urban: a.urban }, counts: a.counts, namedSchools: a.namedSchools ?? [] };
}

/**
 * National gemeenten: the real anchors plus synthetic ones whose sizes are log-normal, so most are
 * small and a few large, as in the DUO lists. Each synthetic gemeente has at least one basisschool;
 * the other sectors go where the basisscholen are (small gemeenten often have no vo school).
 */
function nationalGemeenten(seed: number, multiplier: number): GemeenteWithCounts[] {
  const rng = derive(seed, 'gemeenten');
  const names = new Set(nationalAnchors.map((a) => a.name));
  const syntheticCount = nationalGemeenten2021 - nationalAnchors.length;
  const sizes = Array.from({ length: syntheticCount }, () => logNormalWithMean(rng, 1, 0.85));
  const anchorTotals = (sector: Sector) => nationalAnchors.reduce((s, a) => s + a.counts[sector], 0);
  const boCounts = apportion(sizes, (nationalTotals.bo - anchorTotals('bo')) * multiplier, multiplier);
  const perSector = new Map<Sector, number[]>();
  for (const sector of sectors) {
    if (sector === 'bo') continue;
    // Where the basisscholen are, with some noise, so equal-sized gemeenten differ.
    const weights = boCounts.map((n) => n * Math.exp(0.3 * rng.normal()));
    perSector.set(sector, apportion(weights, (nationalTotals[sector] - anchorTotals(sector)) * multiplier));
  }
  const synthetic: GemeenteWithCounts[] = boCounts.map((boCount, i) => {
    const counts = { ...zeroCounts, bo: boCount } as Record<Sector, number>;
    for (const [sector, list] of perSector) counts[sector] = list[i] ?? 0;
    const urban = 0.5 * Math.log(boCount / (14 * multiplier)) + 0.5 * rng.normal();
    return {
      gemeente: { code: syntheticCode(i), name: gemeenteName(rng, names), real: false, urban },
      counts,
      namedSchools: [],
    };
  });
  const anchors = nationalAnchors.map((a) => {
    const entry = anchorEntry(a);
    const counts = Object.fromEntries(sectors.map((s) => [s, a.counts[s] * multiplier])) as unknown as SectorCounts;
    return { ...entry, counts };
  });
  return [...anchors, ...synthetic];
}

/** Merger groups are drawn from the smaller synthetic gemeenten, each gemeente merging at most once. */
function nationalMergers(seed: number, gemeenten: readonly GemeenteWithCounts[]): Merger[] {
  const rng = derive(seed, 'mergers');
  const names = new Set(gemeenten.map((g) => g.gemeente.name));
  const totalSchools = (g: GemeenteWithCounts) => sectors.reduce((s, k) => s + g.counts[k], 0);
  const candidates = rng.shuffled(
    gemeenten.filter((g) => !g.gemeente.real).sort((a, b) => totalSchools(a) - totalSchools(b) || (a.gemeente.code < b.gemeente.code ? -1 : 1)).slice(0, 120),
  );
  const mergers: Merger[] = [];
  let next = 0;
  for (const { date, groupSizes } of nationalMergerPlan) {
    for (const size of groupSizes) {
      const from = candidates.slice(next, next + size).map((g) => g.gemeente.code);
      next += size;
      const urban = from.reduce((s, code) => s + (gemeenten.find((g) => g.gemeente.code === code)?.gemeente.urban ?? 0), 0) / size;
      mergers.push({ date, from, into: { code: mergedCode(mergers.length), name: gemeenteName(rng, names), real: false, urban } });
    }
  }
  return mergers;
}

function pupils(rng: Rng, sector: Sector): number {
  const m = pupilModel[sector];
  return Math.max(m.min, Math.round(logNormalWithMean(rng, m.mean, m.sigma)));
}

/**
 * One school's reference data. Need (standard normal) drives the achterstandsscore; urban gemeenten
 * add to it. About one basisschool in six scores 0 (below the CBS threshold), fewer among high-need
 * schools.
 */
function makeSchool(seed: number, brin: string, name: string | undefined, sector: Sector, g: Gemeente, index: number): School {
  const rng = derive(seed, 'school', g.code, sector, index);
  const need = rng.normal();
  const count = pupils(rng, sector);
  const base = { brin, name: name ?? schoolName(rng, sector, g.name), sector, gemeente: g.code, pupils: count, need };
  const perPupil = achterstandPerPupil[sector];
  if (perPupil !== undefined) {
    const zero = rng.chance(logistic(-1.9 - 1.2 * need));
    const rate = zero ? 0 : perPupil * Math.exp(0.7 * need - 0.245) * Math.exp(0.3 * g.urban - 0.05);
    const achterstandsscore = round2(count * rate);
    if (sector !== 'vo') return { ...base, achterstandsscore };
    // Years 1-2 are about a third of a vo school; vbo pupils in years 3-4 are concentrated in schools
    // with more need (vmbo schools), none in a pure havo/vwo school.
    const voYears12Pupils = Math.round(count * rng.uniform(0.3, 0.4));
    const vboShare = clamp(0.12 + 0.08 * need + 0.05 * rng.normal(), 0, 0.35);
    const vboYears34Pupils = Math.min(count - voYears12Pupils, Math.round(count * vboShare));
    return { ...base, achterstandsscore, voYears12Pupils, vboYears34Pupils };
  }
  const cumiShare = clamp(0.06 + 0.05 * need + 0.03 * g.urban + 0.03 * rng.normal(), 0, 0.5);
  return { ...base, achterstandsscore: 0, cumiPupils: Math.round(count * cumiShare) };
}

export class WorldOptionsError extends Error {
  readonly code = 'world-options-invalid' as const;
  constructor(message: string) {
    super(message);
    this.name = 'WorldOptionsError';
  }
}

/** Builds the gemeenten and schools of a scale. Same options, same world. */
export function generateWorld(options: WorldOptions): World {
  const { scale, seed } = options;
  const multiplier = scale === 'stress' ? (options.schoolMultiplier ?? 1) : 1;
  if (!Number.isSafeInteger(multiplier) || multiplier < 1) throw new WorldOptionsError(`schoolMultiplier must be a whole number >= 1, got ${String(multiplier)}`);
  const entries = scale === 'demo' ? demoAnchors.map(anchorEntry) : nationalGemeenten(seed, multiplier);
  const mergers = scale === 'demo' ? [] : nationalMergers(seed, entries);
  const reserved = new Set(entries.flatMap((e) => e.namedSchools.map((s) => s.brin)));
  const total = entries.reduce((s, e) => s + sectors.reduce((t, k) => t + e.counts[k], 0), 0);
  const brins = allocateBrins(derive(seed, 'brins'), total - reserved.size, reserved);
  let nextBrin = 0;
  const schools: School[] = [];
  for (const { gemeente, counts, namedSchools } of entries) {
    for (const sector of sectors) {
      const named = namedSchools.filter((s) => s.sector === sector);
      for (let i = 0; i < counts[sector]; i++) {
        const fixed = named[i];
        const brin = fixed?.brin ?? (brins[nextBrin++] as string);
        schools.push(makeSchool(seed, brin, fixed?.name, sector, gemeente, i));
      }
    }
  }
  return { scale, seed, gemeenten: [...entries.map((e) => e.gemeente), ...mergers.map((m) => m.into)], mergers, schools };
}
