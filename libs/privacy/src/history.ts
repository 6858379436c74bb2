import { type PriorRelease } from './linear-system.js';
import { type Cell } from './model.js';

/** The unit behind the cell has the same schools count, so old and new figures line up one to one. */
function samePopulation(a: Cell, b: Cell): boolean {
  if (a.kind === 'count' && b.kind === 'count') return a.population === b.population;
  if (a.kind === 'amount' && b.kind === 'amount') {
    if (a.population !== undefined || b.population !== undefined) return a.population === b.population;
    return a.contributions.length === b.contributions.length;
  }
  return false;
}

interface PriorState {
  readonly cell: Cell;
  readonly releaseId: string;
  readonly suppressed: boolean;
}

/**
 * Looks a statistic up in earlier releases, oldest first as given, and reports its state in the most recent
 * one that has it: the same cell (same id) if an earlier release has it, else the same statistic (`key`).
 * The id comes first because one release may hold several cells of one key (a release with every school
 * year, keys without the year): the 2021-2022 figure must keep the 2021-2022 pattern, not the last year's.
 */
export class ReleaseHistory {
  private readonly latestById = new Map<string, PriorState>();
  private readonly latestByKey = new Map<string, PriorState>();
  private readonly everSuppressed = new Set<string>();

  constructor(priors: readonly PriorRelease[]) {
    for (const prior of priors) {
      const suppressed = new Set(prior.suppressed);
      for (const table of prior.input.tables) {
        for (const cell of table.cells) {
          const state = { cell, releaseId: prior.input.releaseId, suppressed: suppressed.has(cell.id) };
          this.latestById.set(cell.id, state);
          this.latestByKey.set(cell.key ?? cell.id, state);
          if (state.suppressed) this.everSuppressed.add(cell.key ?? cell.id);
        }
      }
    }
  }

  /** The release whose pattern this cell must keep: suppressed there, with an equal population. */
  carryOverFrom(cell: Cell): string | null {
    const last = this.latestById.get(cell.id) ?? this.latestByKey.get(cell.key ?? cell.id);
    if (last === undefined || !last.suppressed || !samePopulation(last.cell, cell)) return null;
    return last.releaseId;
  }

  wasEverSuppressed(cell: Cell): boolean {
    return this.everSuppressed.has(cell.key ?? cell.id);
  }
}
