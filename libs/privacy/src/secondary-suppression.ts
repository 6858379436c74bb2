import { type IntervalSolver, type Sense } from './interval-solver.js';
import { type LinearSystem } from './linear-system.js';
import { type AuditEntry, type SuppressionReason } from './model.js';
import { type DisclosureParameters } from './parameters.js';
import { type PresenceLinks } from './presence.js';
import { meetsRequirement, type ProtectionRequirement, protectionRequirement, roundLower, roundUpper } from './protection.js';

/** The evolving suppression pattern of the current release, by variable index. */
export interface Pattern {
  readonly reasons: Map<number, SuppressionReason>;
  /** The same set as the keys of `reasons`; the solver reads it to know which columns are free. */
  readonly suppressed: Set<number>;
}

/**
 * Secondary (complementary) suppression driven by the attacker's own LP. For a suppressed cell whose
 * bound is too tight, the optimum's reduced costs name the published cells whose fixed values pin it;
 * the cheapest of those that can move in the useful direction is suppressed and the LP solved again.
 * Suppressing a cell only ever widens every interval, so a cell that passed stays passed and the loop
 * ends; when no published cell has a non-zero reduced cost, duality proves no suppression can help.
 */
export class SecondarySuppression {
  private readonly queue: number[] = [];
  private readonly failed = new Set<number>();
  private equalityIndex: number[][] | null = null;

  constructor(
    private readonly system: LinearSystem,
    private readonly solver: IntervalSolver,
    private readonly pattern: Pattern,
    private readonly costOf: (variable: number) => number,
    private readonly params: DisclosureParameters,
    private readonly links: PresenceLinks,
  ) {}

  /** Protects every cell in `cells` (in order) and every complement this adds; returns the cells that cannot be protected. */
  run(cells: readonly number[]): number[] {
    this.queue.push(...cells);
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      if (!this.protect(next)) this.failed.add(next);
    }
    return [...this.failed].sort((a, b) => a - b);
  }

  /**
   * The final audit of every suppressed cell of the current release. With `exact`, the attacker's interval
   * (two LPs a cell). Without, a cell whose requirement is already met by feasible points (found by
   * exploring, or seen on the way) is reported with that reachable part of the attacker's interval, which
   * is all the protection question needs; only the others get their two LPs.
   */
  audit(exact: boolean): AuditEntry[] {
    if (!exact) this.explore();
    const entries: AuditEntry[] = [];
    const cells = [...this.pattern.suppressed].sort((a, b) => compareIds(this.cellId(a), this.cellId(b)));
    for (const v of cells) {
      const variable = this.variable(v);
      const reason = this.reason(v);
      const protectionRequired = this.required(v);
      const reached = this.withPartner(v, roundLower(this.solver.seen(v, 'min')), roundUpper(this.solver.seen(v, 'max')));
      if (!exact && meetsRequirement(reached.lower, reached.upper, protectionRequired)) {
        entries.push({ cellId: variable.cellId, reason, ...reached, exact: false, protectionRequired, ok: true });
        continue;
      }
      const { lower, upper } = this.withPartner(v, roundLower(this.solver.extreme(v, 'min').value), roundUpper(this.solver.extreme(v, 'max').value));
      entries.push({ cellId: variable.cellId, reason, lower, upper, exact: true, protectionRequired, ok: meetsRequirement(lower, upper, protectionRequired) });
    }
    return entries;
  }

  /** Finds feasible points for the suppressed cells not yet shown to reach their requirement (see IntervalSolver.explore). */
  explore(): void {
    this.solver.explore((v, sense) => this.pattern.suppressed.has(v) && this.unproven(v, sense));
  }

  /**
   * The interval narrowed by what a published presence partner tells (a zero pins the cell to 0, a positive
   * one makes it positive). The LPs never see that; protectRelease makes it say nothing new, a pattern
   * audited as given may not.
   */
  private withPartner(v: number, lower: number, upper: number): { lower: number; upper: number } {
    const known = this.links.knownFromPartner(v);
    if (known === null) return { lower, upper };
    const narrowedLower = Math.max(lower, known.lower);
    return { lower: narrowedLower, upper: Math.max(narrowedLower, Math.min(upper, known.upper)) };
  }

  private required(v: number): ProtectionRequirement {
    return protectionRequirement(this.variable(v), this.reason(v), this.params, this.links.mustReachZero(v));
  }

  /** Whether no feasible point seen so far takes the cell as far as its requirement asks on that side. */
  private unproven(v: number, sense: Sense): boolean {
    const variable = this.variable(v);
    const required = this.required(v);
    const lower = roundLower(this.solver.seen(v, 'min'));
    const upper = roundUpper(this.solver.seen(v, 'max'));
    const narrow = upper - lower < required.minWidth;
    return sense === 'max' ? upper < required.upper || (narrow && upper < variable.upper) : lower > required.lower || (narrow && lower > variable.lower);
  }

  private protect(v: number): boolean {
    const variable = this.variable(v);
    const required = this.required(v);
    const reachedUpper = this.push(v, 'max', required.upper);
    const reachedLower = this.push(v, 'min', required.lower);
    if (reachedUpper === null || reachedLower === null) return false;
    let upper: number = reachedUpper;
    let lower: number = reachedLower;
    // Each side reached its target but the interval is still too narrow (the target is a point).
    while (upper - lower < required.minWidth) {
      const raised: number | null = upper < variable.upper ? this.push(v, 'max', lower + required.minWidth) : null;
      if (raised !== null && raised > upper) {
        upper = raised;
        continue;
      }
      const lowered: number | null = lower > variable.lower ? this.push(v, 'min', upper - required.minWidth) : null;
      if (lowered !== null && lowered < lower) {
        lower = lowered;
        continue;
      }
      return false;
    }
    return true;
  }

  /**
   * Suppresses complements until the cell's max reaches `target` (or its min gets down to it). Returns the
   * rounded bound reached, or null when no published cell can widen it further.
   */
  private push(v: number, sense: Sense, target: number): number | null {
    // A feasible point seen while solving for other cells may already prove the target reachable.
    const seen = sense === 'max' ? roundUpper(this.solver.seen(v, sense)) : roundLower(this.solver.seen(v, sense));
    if (sense === 'max' ? seen >= target : seen <= target) return seen;
    for (;;) {
      let extreme = this.solver.extreme(v, sense);
      const bound = sense === 'max' ? roundUpper(extreme.value) : roundLower(extreme.value);
      if (sense === 'max' ? bound >= target : bound <= target) return bound;
      if (extreme.blockers === null) extreme = this.solver.extreme(v, sense, true);
      const complement = this.cheapestBlocker(extreme.blockers ?? [], sense);
      if (complement === null) return null;
      this.suppress(complement);
    }
  }

  private cheapestBlocker(blockers: readonly { variable: number; rate: number }[], sense: Sense): number | null {
    let best: { variable: number; cost: number } | null = null;
    for (const { variable: b, rate } of blockers) {
      const variable = this.variable(b);
      if (!this.eligible(b)) continue;
      // Which way must the blocker move to improve the objective, and can it move that way at all?
      const up = sense === 'max' ? rate > 0 : rate < 0;
      if (up ? variable.upper <= variable.value : variable.value <= variable.lower) continue;
      const cost = this.costOf(b) + this.lookAhead(b);
      if (!Number.isFinite(cost)) continue;
      if (best === null || cost < best.cost || (cost === best.cost && variable.cellId < this.cellId(best.variable))) best = { variable: b, cost };
    }
    return best?.variable ?? null;
  }

  private eligible(v: number): boolean {
    if (!this.suppressible(v)) return false;
    // A zero complement or a positive count brings its partner along: that one must be suppressible too (or already suppressed).
    const partner = this.links.bringsPartner(v) ? this.links.partnerOf(v) : undefined;
    return partner === undefined || this.pattern.suppressed.has(partner) || this.suppressible(partner);
  }

  private suppressible(v: number): boolean {
    const variable = this.variable(v);
    return variable.current && !this.pattern.suppressed.has(v) && !this.system.pinnedByHistory.has(v) && Number.isFinite(this.costOf(v));
  }

  /**
   * One step of look-ahead: a complement that would be the only suppressed cell of some equality (a row
   * of the table with nothing else hidden) is exactly recomputable and will need a complement of its own
   * there, so add the cheapest one that equality offers. This steers the greedy choice to close cycles
   * (rectangles in a two-way table) instead of opening new ones.
   */
  private lookAhead(v: number): number {
    let extra = 0;
    for (const r of this.equalitiesOf(v)) {
      const row = this.system.rows[r];
      if (row === undefined) continue;
      if (row.cols.some((c) => c !== v && this.pattern.suppressed.has(c))) continue;
      let cheapest = Number.POSITIVE_INFINITY;
      for (const c of row.cols) if (c !== v && this.eligible(c)) cheapest = Math.min(cheapest, this.costOf(c));
      extra += Number.isFinite(cheapest) ? cheapest : 0;
    }
    return extra;
  }

  private equalitiesOf(v: number): readonly number[] {
    if (this.equalityIndex === null) {
      const index: number[][] = this.system.variables.map(() => []);
      this.system.rows.forEach((row, r) => {
        if (row.lower !== row.upper || row.cols.length < 2) return;
        for (const c of row.cols) index[c]?.push(r);
      });
      this.equalityIndex = index;
    }
    return this.equalityIndex[v] ?? [];
  }

  private suppress(v: number): void {
    this.pattern.reasons.set(v, 'secondary');
    this.pattern.suppressed.add(v);
    this.solver.relax(v);
    this.queue.push(v);
    // A published zero gives its zero partner away, a published amount proves its count at least
    // minFrequency (presence.ts); the partner's component is in this part.
    const partner = this.links.bringsPartner(v) ? this.links.partnerOf(v) : undefined;
    if (partner !== undefined && !this.pattern.suppressed.has(partner)) this.suppress(partner);
  }

  private variable(v: number) {
    const variable = this.system.variables[v];
    if (variable === undefined) throw new Error(`unknown variable ${v}`);
    return variable;
  }

  private cellId(v: number): string {
    return this.variable(v).cellId;
  }

  private reason(v: number): SuppressionReason {
    return this.pattern.reasons.get(v) ?? 'secondary';
  }
}

/** Code-unit order: locale-independent, so the pattern is the same on every machine. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
