/**
 * The table model every published report is expressed in.
 *
 * A release is a set of linked tables. A table is a set of cells. Cell ids are unique across the whole
 * release, because relations (total = sum of parts) cross tables: the national table and every gemeente
 * table share totals, and the breakdowns by sector, achterstand band and province each add up to the
 * national figure. The relations are public knowledge (anyone can see that parts add up to a total), so
 * the audit gives them to the attacker.
 */

/** A number of schools. Its population (the number of schools in the unit) is public via DUO. */
export interface CountCell {
  readonly id: string;
  readonly kind: 'count';
  /** Number of schools with the property; a non-negative integer. */
  readonly value: number;
  /** Number of schools in the unit the cell describes (the public upper bound of `value`). */
  readonly population: number;
  /** Stable identity of the statistic across releases and school years (defaults to `id`). */
  readonly key?: string;
  /** Secondary-suppression cost override; `Infinity` means never choose this cell as a complement. */
  readonly cost?: number;
  /** Free labels passed through to the output (gemeente code, intervention code, ...). */
  readonly dims?: Readonly<Record<string, string>>;
}

/** A euro amount in integer cents, the sum of per-school contributions. */
export interface AmountCell {
  readonly id: string;
  readonly kind: 'amount';
  /** Total in cents; must equal the sum of `contributions`. */
  readonly value: number;
  /**
   * Per-school amounts in cents (the schools counted in the unit; zeros allowed). Needed by the dominance
   * and p% rules; never published.
   */
  readonly contributions: readonly number[];
  /** Number of schools in the unit; enables the all-or-nothing rule for zero amounts. */
  readonly population?: number;
  /**
   * Upper bound the public already knows for this amount (e.g. the formula allocation of the unit).
   * Without it the attacker's only bounds are the relations; an unrelated amount is unbounded above.
   */
  readonly upperBound?: number;
  readonly key?: string;
  readonly cost?: number;
  readonly dims?: Readonly<Record<string, string>>;
}

export type Cell = CountCell | AmountCell;
export type CellKind = Cell['kind'];

/**
 * A public relation between cells. All cells of a linear relation must be of one kind.
 * - `sum`: total = sum of parts (a partition: gemeenten of the nation, interventions of a budget).
 * - `union`: total counts the schools in any of the parts, parts may overlap (schools choosing any
 *   B-intervention vs. schools choosing B3): every part <= total <= sum of parts.
 * - `linear`: sum(coef * cell) op rhs, for anything else.
 * - `presence`: the amount sums a positive contribution of each school the count counts and of no other
 *   (every chosen intervention has a planned budget above 0), so amount > 0 exactly when count > 0. Not
 *   linear, and it links the count and amount systems: see README "Counts beside amounts".
 */
export type Relation =
  | { readonly kind: 'sum'; readonly total: string; readonly parts: readonly string[]; readonly id?: string }
  | { readonly kind: 'union'; readonly total: string; readonly parts: readonly string[]; readonly id?: string }
  | {
      readonly kind: 'linear';
      readonly terms: readonly { readonly cell: string; readonly coef: number }[];
      readonly op: '=' | '<=' | '>=';
      readonly rhs: number;
      readonly id?: string;
    }
  | { readonly kind: 'presence'; readonly count: string; readonly amount: string; readonly id?: string };

export interface Table {
  readonly id: string;
  readonly title?: string;
  readonly cells: readonly Cell[];
  /** Relations inside this table (they may also name cells of other tables). */
  readonly relations?: readonly Relation[];
}

export interface ReleaseInput {
  readonly releaseId: string;
  readonly tables: readonly Table[];
  /** Relations across tables (gemeente -> national, breakdown -> national, ...). */
  readonly relations?: readonly Relation[];
}

export type PrimaryReason = 'threshold' | 'all-or-nothing' | 'dominance';
export type SuppressionReason = PrimaryReason | 'secondary';

export interface PublishedCell {
  readonly id: string;
  readonly kind: CellKind;
  readonly suppressed: false;
  readonly value: number;
  readonly population?: number;
  readonly dims?: Readonly<Record<string, string>>;
}

export interface SuppressedCell {
  readonly id: string;
  readonly kind: CellKind;
  readonly suppressed: true;
  /** Always null: a suppressed cell is never shown as 0. */
  readonly value: null;
  readonly reason: SuppressionReason;
  readonly population?: number;
  readonly dims?: Readonly<Record<string, string>>;
}

export type ProtectedCell = PublishedCell | SuppressedCell;

export interface ProtectedTable {
  readonly id: string;
  readonly title?: string;
  readonly cells: readonly ProtectedCell[];
}

export interface PatternEntry {
  readonly cellId: string;
  readonly reason: SuppressionReason;
  /** Set when the cell is suppressed to keep the pattern of this earlier release (equal population). */
  readonly carriedOverFrom?: string;
}

export interface AuditEntry {
  readonly cellId: string;
  readonly reason: SuppressionReason;
  /**
   * With `exact`, the interval an attacker derives from everything published (integers, rounded inward);
   * otherwise a part of it that feasible points prove reachable: the attacker cannot narrow the cell
   * below [lower, upper], which already meets the requirement (see `exactAuditIntervals`).
   */
  readonly lower: number;
  /** `Infinity` when nothing public bounds the cell from above (only when `exact`). */
  readonly upper: number;
  readonly exact: boolean;
  /** The attacker interval must contain [lower, upper] and be at least minWidth wide. */
  readonly protectionRequired: { readonly lower: number; readonly upper: number; readonly minWidth: number };
  readonly ok: boolean;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly cells: readonly AuditEntry[];
  /** LPs solved for the final audit (none for a cell without relations or already seen at its public bound). */
  readonly lpSolves: number;
  /** Single-cell LPs solved in all, secondary suppression included. */
  readonly totalLpSolves: number;
  /** Exploration LPs (one per component and round, each proving many cells at once). */
  readonly explorationLps: number;
}
