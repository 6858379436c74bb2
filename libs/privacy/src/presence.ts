import { type LinearSystem } from './linear-system.js';
import { type Cell, type CellKind, type CountCell, type ReleaseInput } from './model.js';
import { type DisclosureParameters } from './parameters.js';
import { primaryReason } from './primary-rules.js';
import { allRelations } from './validate.js';

/*
 * Counts beside amounts. A `presence` relation says the amount sums a positive contribution of every school
 * the count counts: amount > 0 exactly when count > 0. It is not linear, so the LPs cannot hold it, and it
 * joins the count system to the amount system, which the LPs keep apart (a joint LP needs big-M rows:
 * bad numerics, and one component where there were two). Instead the protection makes sure the link can
 * tell an attacker nothing the separate systems do not already account for:
 * - a pair of positive cells: the attacker is assumed to know both are positive (count >= 1, amount >=
 *   1 cent), as public bounds, unless the count's protection must reach 0 (a suppressed 1-3);
 * - such a count's amount is suppressed too, and its own interval must reach 0, so nothing rules out an
 *   empty cell: no school;
 * - the threshold rule withholds an amount of fewer than minFrequency schools, so a published positive
 *   amount says its count is at least minFrequency: more than the LPs' floor of 1, and enough to narrow
 *   the count (all 6 schools of a small unit, whose interval must reach 3) or, through the tables, its
 *   neighbours. So a positive count is never suppressed beside a published amount: its amount goes with
 *   it, as a primary count's from the start and a complement's when it is chosen (and costs both);
 * - a pair of zeros is suppressed together or not at all (a published zero gives its partner away): a
 *   zero complement brings its partner along, which is then protected in its own system. That is the one
 *   decision that crosses systems, so a count's component and its amount's go to the same thread.
 * The bounds and the cells forced by a primary partner are decided from the cells and the primary rules
 * before any LP, so the link adds no solve.
 */

export interface PresencePair {
  readonly count: string;
  readonly amount: string;
}

export function presencePairs(input: ReleaseInput): PresencePair[] {
  return allRelations(input).flatMap((r) => (r.kind === 'presence' ? [{ count: r.count, amount: r.amount }] : []));
}

/** Whether the count's protection interval reaches 0 when it is primary: then nothing may prove it positive. */
export function mustStayOpenAtZero(count: CountCell, params: DisclosureParameters): boolean {
  return count.value > 0 && count.value <= params.protection.countMargin && primaryReason(count, params) !== null;
}

/**
 * Lower bounds of the current release's cells that the link makes public: both cells of a positive pair
 * are known positive, except beside a count that must stay open at 0 (its amount is made to reach 0).
 */
export function presenceFloors(input: ReleaseInput, cells: ReadonlyMap<string, Cell>, params: DisclosureParameters): Map<string, number> {
  const floors = new Map<string, number>();
  for (const { count, amount } of presencePairs(input)) {
    const n = cells.get(count);
    if (n?.kind !== 'count' || n.value === 0 || mustStayOpenAtZero(n, params)) continue;
    floors.set(count, 1);
    floors.set(amount, 1);
  }
  return floors;
}

/**
 * What a published partner tells about a cell: a zero partner pins it to 0; a positive amount makes its
 * count at least minFrequency (an amount of fewer schools is withheld), a positive count its amount positive.
 */
export function boundsFromPartner(partnerValue: number, partnerKind: CellKind, minFrequency: number): { readonly lower: number; readonly upper: number } {
  if (partnerValue === 0) return { lower: 0, upper: 0 };
  return { lower: partnerKind === 'amount' ? minFrequency : 1, upper: Number.POSITIVE_INFINITY };
}

/** The presence links of the current release by variable, and the decisions that follow from them. */
export class PresenceLinks {
  private readonly partner = new Map<number, number>();
  private readonly reachZero = new Set<number>();
  private readonly amounts = new Set<number>();
  private readonly minFrequency: number;

  /** `isSuppressed`: the pattern as it stands (a partner is in the same part, see componentParts). */
  constructor(
    private readonly system: LinearSystem,
    cells: ReadonlyMap<string, Cell>,
    params: DisclosureParameters,
    private readonly isSuppressed: (variable: number) => boolean,
  ) {
    this.minFrequency = params.minFrequency;
    for (const [n, a] of system.presence) {
      const cell = cells.get(system.variables[n]?.cellId ?? '');
      if (cell?.kind !== 'count') continue;
      this.partner.set(n, a);
      this.partner.set(a, n);
      this.amounts.add(a);
      if (mustStayOpenAtZero(cell, params)) this.reachZero.add(a);
    }
  }

  partnerOf(variable: number): number | undefined {
    return this.partner.get(variable);
  }

  /** An amount beside a count that must stay open at 0: suppressed, and its own interval must reach 0. */
  mustReachZero(variable: number): boolean {
    return this.reachZero.has(variable);
  }

  /** A cell of a pair of zeros: it goes with its partner, never alone. */
  inZeroPair(variable: number): boolean {
    return this.partner.has(variable) && this.system.variables[variable]?.value === 0;
  }

  /**
   * A cell whose suppression brings its partner along: a zero (a published zero partner gives it away) or
   * a positive count (a published amount proves it at least minFrequency).
   */
  bringsPartner(variable: number): boolean {
    if (!this.partner.has(variable)) return false;
    return this.inZeroPair(variable) || (!this.amounts.has(variable) && (this.system.variables[variable]?.value ?? 0) > 0);
  }

  /** Whether the cell must be suppressed before any LP because of its partner (`byRule`: primary or carried over). */
  forced(variable: number, byRule: (variable: number) => boolean): boolean {
    const partner = this.partner.get(variable);
    if (partner === undefined) return false;
    return this.reachZero.has(variable) || (this.bringsPartner(partner) && byRule(partner));
  }

  /** The bounds a published partner gives the attacker on this cell, or null when the partner is suppressed too. */
  knownFromPartner(variable: number): { readonly lower: number; readonly upper: number } | null {
    const partner = this.partner.get(variable);
    if (partner === undefined || this.isSuppressed(partner)) return null;
    return boundsFromPartner(this.system.variables[partner]?.value ?? 0, this.amounts.has(partner) ? 'amount' : 'count', this.minFrequency);
  }
}
