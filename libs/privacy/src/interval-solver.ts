import * as highsModule from 'highs';
import { type Highs } from 'highs';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { ComponentModel, type Extreme, isFree, type Sense } from './component-model.js';
import { type LinearSystem } from './linear-system.js';

export type { Blocker, Extreme, Sense } from './component-model.js';

const BOUND_EPSILON = 1e-9;

/** Rounds of exploration (alternating max and min): later rounds prove ever fewer cells. */
const EXPLORE_ROUNDS = 16;
const EXPLORE_SEED = 0x5eed;

let runtime: Promise<Highs> | undefined;

/** HiGHS is loaded once per process; the WebAssembly module is stateless between models. */
export function loadHighs(): Promise<Highs> {
  if (runtime === undefined) {
    // The package's types describe its CommonJS build (loader at `.default.default`); its ESM build
    // exports the loader as the default itself. Accept either.
    const exported: unknown = highsModule.default;
    const loader = (typeof exported === 'function' ? exported : (exported as { default: () => Promise<Highs> }).default) as () => Promise<Highs>;
    runtime = loader();
  }
  return runtime;
}

/**
 * Min/max of single cells over the attacker's constraint system, one persistent HiGHS model per connected
 * component. Published cells are columns fixed at their value; suppressing a cell widens its bounds. The
 * primal simplex keeps its basis feasible across objective changes and bound relaxations, so each further
 * solve is a warm start of a few pivots instead of a fresh solve.
 */
export class IntervalSolver {
  private readonly models = new Map<number, ComponentModel>();
  /** Largest / smallest value each variable took in any feasible point seen so far (feasible points stay feasible). */
  private readonly seenMax: Float64Array;
  private readonly seenMin: Float64Array;
  private equalityRows: number[][] | null = null;
  /** Single-cell LPs solved. */
  solves = 0;
  /** Exploration LPs solved (one per component and round). */
  sweeps = 0;

  constructor(
    private readonly highs: Highs,
    private readonly system: LinearSystem,
    private readonly suppressed: ReadonlySet<number>,
  ) {
    // The true values are the first feasible point: they satisfy every relation (validated on input).
    this.seenMax = Float64Array.from(system.variables, (v) => v.value);
    this.seenMin = Float64Array.from(system.variables, (v) => v.value);
  }

  /** Call after adding `variable` to the suppressed set the solver was built with. */
  relax(variable: number): void {
    this.models.get(this.system.componentOf[variable] ?? -1)?.free(variable);
  }

  /**
   * The min or max of one cell. Without `force`, a value seen in an earlier feasible point that already
   * meets a valid bound (public bounds, or one equality with the other cells at their extremes) is the
   * optimum and is returned without a solve: suppressing more cells only enlarges the feasible set, so
   * the point stays feasible, and no point can beat a valid bound.
   */
  extreme(variable: number, sense: Sense, force = false): Extreme {
    const v = this.system.variables[variable];
    if (v === undefined) throw new Error(`unknown variable ${variable}`);
    if (!force && isFree(v, this.suppressed)) {
      const seen = sense === 'max' ? (this.seenMax[variable] ?? Number.NEGATIVE_INFINITY) : (this.seenMin[variable] ?? Number.POSITIVE_INFINITY);
      const bound = this.cheapBound(variable, sense);
      if (Math.abs(seen - bound) <= BOUND_EPSILON * Math.max(1, Math.abs(bound)) || (sense === 'max' ? seen > bound : seen < bound)) {
        return { value: bound, blockers: null };
      }
    }
    const component = this.system.componentOf[variable] ?? -1;
    const spec = this.system.components[component];
    if (spec === undefined) throw new Error(`variable ${variable} has no component`);
    if (spec.rows.length === 0) {
      // Nothing relates this cell to anything: only its public bounds (or its value, if published) hold.
      const free = isFree(v, this.suppressed);
      return { value: free ? (sense === 'min' ? v.lower : v.upper) : v.value, blockers: [] };
    }
    this.solves++;
    return this.modelOf(component, spec).extreme(variable, sense);
  }

  private modelOf(component: number, spec: { readonly variables: readonly number[]; readonly rows: readonly number[] }): ComponentModel {
    let model = this.models.get(component);
    if (model === undefined) {
      model = new ComponentModel(this.highs, this.system, spec.variables, spec.rows, this.suppressed, this.seenMin, this.seenMax);
      this.models.set(component, model);
    }
    return model;
  }

  private isCurrentFree(variable: number): boolean {
    const v = this.system.variables[variable];
    return v !== undefined && v.current && isFree(v, this.suppressed);
  }

  /**
   * Looks for feasible points that prove many cells' bounds at once: each round solves one LP per component
   * whose objective pushes every still-unproven free cell in one direction (jittered weights, so cells that
   * compete in one equality take turns across rounds). Every optimum is recorded like any other feasible
   * point; nothing is concluded from it except "this value is reachable", so it changes no bound, only how
   * many single-cell LPs are needed later. Stops when a direction's round proves nothing new.
   */
  explore(unproven: (variable: number, sense: Sense) => boolean, maxRounds = EXPLORE_ROUNDS): void {
    // A fixed seed per component: the jitter must be the same on every run, or the pattern would not be
    // deterministic, and one component's draws must not depend on which other components are solved in
    // the same process (protectReleasePart splits them over threads).
    const generators = new Map<number, ReturnType<typeof xoroshiro128plus>>();
    const random = (component: number): number => {
      let rng = generators.get(component);
      if (rng === undefined) {
        rng = xoroshiro128plus(EXPLORE_SEED + component);
        generators.set(component, rng);
      }
      return uniformFloat64(rng);
    };
    // Per component and direction: cells left unproven after its last sweep; a sweep that proves nothing
    // new retires that direction of that component.
    const left = new Map<string, number>();
    const retired = new Set<string>();
    // Components where one cell without an upper bound made a max sweep unbounded: leave those cells out.
    const openEnded = new Set<number>();
    for (let round = 0; round < maxRounds; round++) {
      const sense: Sense = round % 2 === 0 ? 'max' : 'min';
      this.system.components.forEach((spec, component) => {
        const key = `${component}:${sense}`;
        if (spec.rows.length === 0 || retired.has(key)) return;
        const open = spec.variables.filter((v) => this.isCurrentFree(v) && unproven(v, sense));
        if (open.length === 0 || open.length >= (left.get(key) ?? Number.POSITIVE_INFINITY)) {
          retired.add(key);
          return;
        }
        left.set(key, open.length);
        const bounded = sense === 'min' || !openEnded.has(component) ? open : open.filter((v) => this.system.variables[v]?.upper !== Number.POSITIVE_INFINITY);
        if (bounded.length === 0) return;
        const weights = new Map(bounded.map((v) => [v, 0.5 + random(component)] as const));
        const model = this.modelOf(component, spec);
        this.sweeps++;
        if (model.sweep(weights, sense) || sense === 'min' || openEnded.has(component)) return;
        openEnded.add(component);
        for (const v of bounded) if (this.system.variables[v]?.upper === Number.POSITIVE_INFINITY) weights.delete(v);
        if (weights.size === 0) return;
        this.sweeps++;
        model.sweep(weights, sense);
      });
      if (this.allRetired(retired)) break;
    }
  }

  private allRetired(retired: ReadonlySet<string>): boolean {
    return this.system.components.every((spec, component) => spec.rows.length === 0 || (retired.has(`${component}:max`) && retired.has(`${component}:min`)));
  }

  /** The farthest this (free) cell has gone in that direction in any feasible point so far: the optimum is at least this. */
  seen(variable: number, sense: Sense): number {
    return sense === 'max' ? (this.seenMax[variable] ?? Number.NEGATIVE_INFINITY) : (this.seenMin[variable] ?? Number.POSITIVE_INFINITY);
  }

  /** A valid bound from the public bounds and each single equality the cell is in. */
  private cheapBound(variable: number, sense: Sense): number {
    const v = this.system.variables[variable];
    if (v === undefined) return sense === 'max' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    let best = sense === 'max' ? v.upper : v.lower;
    for (const r of this.equalitiesOf(variable)) {
      const row = this.system.rows[r];
      if (row === undefined) continue;
      let a = 0;
      let othersMin = 0;
      let othersMax = 0;
      row.cols.forEach((c, k) => {
        const coef = row.coefs[k] ?? 0;
        if (c === variable) {
          a += coef;
          return;
        }
        const other = this.system.variables[c];
        if (other === undefined) return;
        const free = isFree(other, this.suppressed);
        const lo = free ? other.lower : other.value;
        const hi = free ? other.upper : other.value;
        othersMin += coef > 0 ? coef * lo : coef * hi;
        othersMax += coef > 0 ? coef * hi : coef * lo;
      });
      if (a === 0) continue;
      // a * x = rhs - others, others in [othersMin, othersMax]
      const fromMin = (row.lower - othersMin) / a;
      const fromMax = (row.lower - othersMax) / a;
      const hi = Math.max(fromMin, fromMax);
      const lo = Math.min(fromMin, fromMax);
      if (sense === 'max' && !Number.isNaN(hi)) best = Math.min(best, hi);
      if (sense === 'min' && !Number.isNaN(lo)) best = Math.max(best, lo);
    }
    return best;
  }

  private equalitiesOf(variable: number): readonly number[] {
    if (this.equalityRows === null) {
      const index: number[][] = this.system.variables.map(() => []);
      this.system.rows.forEach((row, r) => {
        if (row.lower === row.upper) for (const c of row.cols) index[c]?.push(r);
      });
      this.equalityRows = index;
    }
    return this.equalityRows[variable] ?? [];
  }

  dispose(): void {
    for (const model of this.models.values()) model.dispose();
    this.models.clear();
  }
}
