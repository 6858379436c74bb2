import * as highsModule from 'highs';
import { type Highs, type Model } from 'highs';
import { SolverError } from './errors.js';
import { type LinearSystem, type SystemVariable } from './linear-system.js';

export type Sense = 'min' | 'max';

/** A fixed (published) variable whose value limits the optimum: relaxing it would move the bound. */
export interface Blocker {
  readonly variable: number;
  /** d(objective)/d(variable): positive means raising the variable raises the objective. */
  readonly rate: number;
}

export interface Extreme {
  /** The optimum of the LP relaxation (unrounded); +-Infinity when unbounded. */
  readonly value: number;
  /**
   * Published variables with a non-zero reduced cost at the optimum; null when the value was known without
   * a solve (ask again with `force` to get them).
   */
  readonly blockers: readonly Blocker[] | null;
}

const RATE_EPSILON = 1e-9;
const BOUND_EPSILON = 1e-9;
/** Largest column value the solver sees after scaling. */
const SCALE_TARGET = 2 ** 17;

/** Rounds of exploration (alternating max and min): later rounds prove ever fewer cells. */
const EXPLORE_ROUNDS = 16;
const EXPLORE_SEED = 0x5eed;

let runtime: Promise<Highs> | undefined;

/** mulberry32: the jitter must be the same on every run, or the pattern would not be deterministic. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Free (bounded only by public knowledge): suppressed now, or suppressed by the earlier release it belongs to. */
function isFree(variable: SystemVariable, suppressed: ReadonlySet<number>): boolean {
  return variable.current ? suppressed.has(variable.index) : !variable.publishedInPrior;
}

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
    this.models.get(this.system.componentOf[variable] ?? -1)?.setBounds(variable, true);
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
    const random = seededRandom(EXPLORE_SEED);
    const left: Record<Sense, number> = { max: Number.POSITIVE_INFINITY, min: Number.POSITIVE_INFINITY };
    const stalled = new Set<Sense>();
    for (let round = 0; round < maxRounds && stalled.size < 2; round++) {
      const sense: Sense = round % 2 === 0 ? 'max' : 'min';
      if (stalled.has(sense)) continue;
      const open = this.system.components.map((spec) => spec.variables.filter((v) => this.isCurrentFree(v) && unproven(v, sense)));
      const count = open.reduce((n, vs) => n + vs.length, 0);
      if (count === 0 || count >= left[sense]) {
        stalled.add(sense);
        continue;
      }
      left[sense] = count;
      open.forEach((variables, component) => {
        const spec = this.system.components[component];
        if (spec === undefined || spec.rows.length === 0 || variables.length === 0) return;
        const weights = new Map(variables.map((v) => [v, 0.5 + random()] as const));
        const model = this.modelOf(component, spec);
        this.sweeps++;
        if (model.sweep(weights, sense) || sense === 'min') return;
        // One cell without an upper bound makes the whole sweep unbounded: leave those to their own LP.
        for (const v of variables) if (this.system.variables[v]?.upper === Number.POSITIVE_INFINITY) weights.delete(v);
        if (weights.size === 0) return;
        this.sweeps++;
        model.sweep(weights, sense);
      });
    }
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

class ComponentModel {
  private readonly model: Model;
  private readonly local = new Map<number, number>();
  private objective: number | null = null;
  /**
   * All columns of the component are divided by one power of two (exact in floating point), so euro
   * cents in the billions reach the solver as numbers its absolute tolerances suit.
   */
  private readonly scale: number;

  constructor(
    private readonly highs: Highs,
    private readonly system: LinearSystem,
    private readonly variables: readonly number[],
    rows: readonly number[],
    private readonly suppressed: ReadonlySet<number>,
    private readonly seenMin: Float64Array,
    private readonly seenMax: Float64Array,
  ) {
    variables.forEach((v, i) => this.local.set(v, i));
    const largest = variables.reduce((m, v) => Math.max(m, system.variables[v]?.value ?? 0), 0);
    this.scale = largest > SCALE_TARGET ? 2 ** Math.ceil(Math.log2(largest / SCALE_TARGET)) : 1;
    const inf = highs.infinity;
    const bound = (x: number): number => (x === Number.POSITIVE_INFINITY ? inf : x === Number.NEGATIVE_INFINITY ? -inf : x / this.scale);
    const colLower = new Float64Array(variables.length);
    const colUpper = new Float64Array(variables.length);
    variables.forEach((v, i) => {
      const variable = system.variables[v];
      if (variable === undefined) throw new Error(`unknown variable ${v}`);
      const free = isFree(variable, suppressed);
      colLower[i] = bound(free ? variable.lower : variable.value);
      colUpper[i] = bound(free ? variable.upper : variable.value);
    });
    const starts: number[] = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const rowLower: number[] = [];
    const rowUpper: number[] = [];
    for (const r of rows) {
      const row = system.rows[r];
      if (row === undefined) throw new Error(`unknown row ${r}`);
      row.cols.forEach((c, k) => {
        indices.push(this.local.get(c) ?? -1);
        values.push(row.coefs[k] ?? 0);
      });
      starts.push(indices.length);
      rowLower.push(bound(row.lower));
      rowUpper.push(bound(row.upper));
    }
    this.model = highs.createModel({
      numCols: variables.length,
      numRows: rows.length,
      colCost: new Float64Array(variables.length),
      colLower,
      colUpper,
      rowLower: Float64Array.from(rowLower),
      rowUpper: Float64Array.from(rowUpper),
      matrix: {
        format: 'csr',
        numRows: rows.length,
        numCols: variables.length,
        starts: Int32Array.from(starts),
        indices: Int32Array.from(indices),
        values: Float64Array.from(values),
      },
    });
    // Primal simplex without presolve: every later solve starts from the previous (still feasible) basis.
    this.model.options.set({ output_flag: false, presolve: 'off', solver: 'simplex', simplex_strategy: 4, random_seed: 0 });
  }

  setBounds(variable: number, free: boolean): void {
    const i = this.local.get(variable);
    const v = this.system.variables[variable];
    if (i === undefined || v === undefined) return;
    const upper = v.upper === Number.POSITIVE_INFINITY ? this.highs.infinity : v.upper / this.scale;
    if (free) this.model.changeColBounds(i, v.lower / this.scale, upper);
    else this.model.changeColBounds(i, v.value / this.scale, v.value / this.scale);
  }

  extreme(variable: number, sense: Sense): Extreme {
    const i = this.local.get(variable);
    if (i === undefined) throw new Error(`variable ${variable} not in this component`);
    if (this.objective !== i) {
      if (this.objective !== null) this.model.changeColCost(this.objective, 0);
      this.model.changeColCost(i, 1);
      this.objective = i;
    }
    const { objectiveSense, modelStatus } = this.highs.constants;
    this.model.changeObjectiveSense(sense === 'min' ? objectiveSense.minimize : objectiveSense.maximize);
    this.model.run();
    let status = this.model.getModelStatus();
    if (status !== modelStatus.optimal && status !== modelStatus.unbounded) {
      // Numerical trouble on the warm-started primal path: solve this one from scratch with HiGHS's defaults.
      this.model.clearSolver();
      this.model.options.set({ presolve: 'choose', simplex_strategy: 1 });
      this.model.run();
      status = this.model.getModelStatus();
      this.model.options.set({ presolve: 'off', simplex_strategy: 4 });
    }
    const unboundedValue = sense === 'max' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    if (status === modelStatus.unbounded) return { value: unboundedValue, blockers: [] };
    if (status === modelStatus.unboundedOrInfeasible) {
      const v = this.system.variables[variable];
      const open = sense === 'max' ? v?.upper === Number.POSITIVE_INFINITY : false;
      if (open) return { value: unboundedValue, blockers: [] };
      throw new SolverError(status, `unbounded or infeasible while bounding ${v?.cellId ?? variable}`);
    }
    if (status !== modelStatus.optimal) {
      throw new SolverError(status, `no optimum while bounding ${this.system.variables[variable]?.cellId ?? variable} (infeasible input?)`);
    }
    const { colDual, colValue } = this.model.getSolution();
    this.record(colValue);
    const blockers: Blocker[] = [];
    this.variables.forEach((v, k) => {
      const variable = this.system.variables[v];
      if (variable === undefined || isFree(variable, this.suppressed)) return;
      const rate = colDual[k] ?? 0;
      if (Math.abs(rate) > RATE_EPSILON) blockers.push({ variable: v, rate });
    });
    return { value: this.model.getObjectiveValue() * this.scale, blockers };
  }

  /** Optimises a weighted sum of cells and records the optimum; the single-cell objective is forgotten. */
  sweep(weights: ReadonlyMap<number, number>, sense: Sense): boolean {
    const costs = new Float64Array(this.variables.length);
    this.variables.forEach((v, k) => {
      costs[k] = weights.get(v) ?? 0;
    });
    this.model.changeColsCost({ kind: 'range', from: 0, to: this.variables.length - 1 }, costs);
    this.objective = null;
    const { objectiveSense, modelStatus } = this.highs.constants;
    this.model.changeObjectiveSense(sense === 'min' ? objectiveSense.minimize : objectiveSense.maximize);
    this.model.run();
    // Anything but an optimum (an unbounded direction, numerical trouble) proves nothing; the single-cell
    // LPs that follow handle those cells on their own.
    const optimal = this.model.getModelStatus() === modelStatus.optimal;
    if (optimal) this.record(this.model.getSolution().colValue);
    this.model.changeColsCost({ kind: 'range', from: 0, to: this.variables.length - 1 }, new Float64Array(this.variables.length));
    return optimal;
  }

  /** Every optimum is also a feasible point: remember how far each free cell went in it. */
  private record(colValue: Float64Array): void {
    this.variables.forEach((v, k) => {
      const variable = this.system.variables[v];
      if (variable === undefined || !isFree(variable, this.suppressed)) return;
      const x = (colValue[k] ?? Number.NaN) * this.scale;
      if (x > (this.seenMax[v] ?? Number.POSITIVE_INFINITY)) this.seenMax[v] = x;
      if (x < (this.seenMin[v] ?? Number.NEGATIVE_INFINITY)) this.seenMin[v] = x;
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}
