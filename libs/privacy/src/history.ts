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

/**
 * Looks a statistic up (by `key ?? id`) in earlier releases, oldest first as given, and reports its state
 * in the most recent one that has it.
 */
export class ReleaseHistory {
  private readonly latest = new Map<string, { cell: Cell; releaseId: string; suppressed: boolean }>();
  private readonly everSuppressed = new Set<string>();

  constructor(priors: readonly PriorRelease[]) {
    for (const prior of priors) {
      const suppressed = new Set(prior.suppressed);
      for (const table of prior.input.tables) {
        for (const cell of table.cells) {
          const key = cell.key ?? cell.id;
          const wasSuppressed = suppressed.has(cell.id);
          this.latest.set(key, { cell, releaseId: prior.input.releaseId, suppressed: wasSuppressed });
          if (wasSuppressed) this.everSuppressed.add(key);
        }
      }
    }
  }

  /** The release whose pattern this cell must keep: suppressed there, with an equal population. */
  carryOverFrom(cell: Cell): string | null {
    const last = this.latest.get(cell.key ?? cell.id);
    if (last === undefined || !last.suppressed || !samePopulation(last.cell, cell)) return null;
    return last.releaseId;
  }

  wasEverSuppressed(cell: Cell): boolean {
    return this.everSuppressed.has(cell.key ?? cell.id);
  }
}
