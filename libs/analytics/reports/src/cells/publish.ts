import { differsBySmallGroup, type PriorRelease, priorReleaseOf, type ProtectOptions, protectRelease, type ProtectedRelease, publicDisclosure, type PublicDisclosure, publicValue, type PublicValue } from '@npo/privacy';
import type { PooledEffect } from '../stats/random-effects.js';
import type { ReportBasis, ReportInput } from './build-release-input.js';

/** A published number, or null with the one public reason (never 0 for a suppressed cell). */
export type PublishedValue = PublicValue;

export interface PublishedStatistic {
  readonly code: string;
  readonly guard: string;
  readonly meanExperiencedEffect: number | null;
  readonly pooled: PooledEffect | null;
}

/**
 * Everything a report view may show, and nothing else: published cell values, which cells are withheld,
 * statistics whose guard count is published, public figures (populations, gemeente allocations), and the
 * disclosure rules with the audit's verdict. This is what a release publishes and what the API renders.
 */
export interface PublishedReport {
  readonly releaseId: string;
  readonly asOf: string;
  readonly basis: ReportBasis;
  readonly cells: Readonly<Record<string, PublishedValue>>;
  readonly statistics: readonly PublishedStatistic[];
  readonly disclosure: PublicDisclosure;
}

export interface ProtectedReport {
  readonly published: PublishedReport;
  /** What a later release needs to stay consistent with this one (holds true values: keep private). */
  readonly prior: PriorRelease;
  /** The maker's view: reasons, required protection, audit intervals (see ProtectedRelease: keep private). */
  readonly release: ProtectedRelease;
}

/** Runs the disclosure control over the whole report input and keeps only what may be published. */
export async function protectReport(input: ReportInput, options: ProtectOptions = {}): Promise<ProtectedReport> {
  return publishReport(input, await protectRelease(input.release, options));
}

/** The report made of a protected release of its input (however the release was computed: at once or in parts). */
export function publishReport(input: ReportInput, release: ProtectedRelease): ProtectedReport {
  const cells: Record<string, PublishedValue> = {};
  for (const table of release.tables) {
    for (const cell of table.cells) cells[cell.id] = publicValue(cell);
  }
  // Only the public fields: a statistic's contributors are the private record of a later comparison.
  const statistics = input.statistics
    .filter((s) => cells[s.guard]?.value !== null && cells[s.guard] !== undefined)
    .map(({ code, guard, meanExperiencedEffect, pooled }): PublishedStatistic => ({ code, guard, meanExperiencedEffect, pooled }));
  return {
    published: {
      releaseId: input.release.releaseId,
      asOf: input.basis.asOf,
      basis: input.basis,
      cells,
      statistics,
      disclosure: publicDisclosure(release),
    },
    prior: priorReleaseOf(input.release, release),
    release,
  };
}

export const hasFigure = (s: PublishedStatistic): boolean => s.meanExperiencedEffect !== null || s.pooled !== null;

/** A statistic's group (guard cell id -> its contributors), as the report input and the release's private record hold it. */
export type StatisticGroups = ReadonlyMap<string, readonly string[]>;

/** An earlier release as the comparison needs it: what it published, and its groups when they were kept. */
export interface EarlierStatistics {
  /** Of the earlier report only its statistics and their guard cells are consulted. */
  readonly report: Pick<PublishedReport, 'statistics' | 'cells'>;
  readonly groups?: StatisticGroups;
}

/**
 * What a later release needs of an earlier one: its statistics and their guard cells (a few hundred values
 * of a report of ~125,000), so a service can keep every earlier release's in memory.
 */
export function earlierStatisticsOf(report: Pick<PublishedReport, 'statistics' | 'cells'>, groups?: StatisticGroups): EarlierStatistics {
  const cells: Record<string, PublishedReport['cells'][string]> = {};
  for (const { guard } of report.statistics) {
    const cell = report.cells[guard];
    if (cell !== undefined) cells[guard] = cell;
  }
  return { report: { statistics: report.statistics, cells }, ...(groups === undefined ? {} : { groups }) };
}

/**
 * The report without the statistics an earlier release published over a group that differs by a few
 * evaluations (see differsBySmallGroup): the two figures together would give those schools' own away.
 * Groups are compared member by member; for an earlier release whose groups were not kept, by size (its
 * published guard count).
 */
export function withholdTrackedStatistics(report: PublishedReport, groups: StatisticGroups, earlier: readonly EarlierStatistics[]): PublishedReport {
  const statistics = report.statistics.filter((s) => {
    if (!hasFigure(s)) return true;
    const group = groups.get(s.guard);
    if (group === undefined) return false; // nothing to compare with: withheld rather than guessed
    const publishedWith = earlier.flatMap((e): (readonly string[] | number)[] => {
      const before = e.report.statistics.find((x) => x.code === s.code && x.guard === s.guard);
      if (before === undefined || !hasFigure(before)) return [];
      const members = e.groups?.get(s.guard);
      if (members !== undefined) return [members];
      const n = e.report.cells[s.guard]?.value;
      return typeof n === 'number' ? [n] : [];
    });
    return !differsBySmallGroup(group, publishedWith, report.disclosure.parameters);
  });
  return statistics.length === report.statistics.length ? report : { ...report, statistics };
}

/** The groups of a report input's statistics. */
export const statisticGroups = (statistics: readonly { readonly guard: string; readonly contributors: readonly string[] }[]): StatisticGroups =>
  new Map(statistics.map((s) => [s.guard, s.contributors]));
