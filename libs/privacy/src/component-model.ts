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
/** Largest column value the solver sees after scaling. */
const SCALE_TARGET = 2 ** 17;

/** Free (bounded only by public knowledge): suppressed now, or suppressed by the earlier release it belongs to. */
export function isFree(variable: SystemVariable, suppressed: ReadonlySet<number>): boolean {
  return variable.current ? suppressed.has(variable.index) : !variable.publishedInPrior;
}

/**
 * One persistent HiGHS model of a connected component, holding only what the attacker does not know: a
 * column per free cell and a row per relation that has a free cell in it, with the published cells' values
 * moved into the row bounds. On a national release half the cells are published, and most relations
 * between them say nothing about a suppressed cell; leaving them out makes every simplex step cheaper.
 * Suppressing a cell adds its column (and any row it brings along). The primal simplex keeps its basis
 * feasible across objective changes, so each further solve is a warm start of a few pivots.
 */
export class ComponentModel {
  private readonly model: Model;
  /** Free variable -> model column, and back. */
  private readonly columnOf = new Map<number, number>();
  private readonly columns: number[] = [];
  /** System row -> model row, and back; only rows with a free variable are in the model. */
  private readonly modelRowOf = new Map<number, number>();
  private readonly modelRows: number[] = [];
  /** The system rows each variable of the component appears in, with its coefficient there. */
  private readonly termsOf = new Map<number, { row: number; coef: number }[]>();
  /** Each row's terms, a variable listed twice merged (HiGHS takes one entry per coordinate). */
  private readonly termsOfRow = new Map<number, readonly (readonly [number, number])[]>();
  /** Sum of coefficient * value over each row's published variables, unscaled. */
  private readonly publishedSum = new Map<number, number>();
  private objective: number | null = null;
  /**
   * All columns are divided by one power of two (exact in floating point), so euro cents in the billions
   * reach the solver as numbers its absolute tolerances suit.
   */
  private readonly scale: number;

  constructor(
    private readonly highs: Highs,
    private readonly system: LinearSystem,
    variables: readonly number[],
    rows: readonly number[],
    private readonly suppressed: ReadonlySet<number>,
    private readonly seenMin: Float64Array,
    private readonly seenMax: Float64Array,
  ) {
    const largest = variables.reduce((m, v) => Math.max(m, system.variables[v]?.value ?? 0), 0);
    this.scale = largest > SCALE_TARGET ? 2 ** Math.ceil(Math.log2(largest / SCALE_TARGET)) : 1;
    for (const r of rows) {
      const spec = system.rows[r];
      if (spec === undefined) throw new Error(`unknown row ${r}`);
      const merged = new Map<number, number>();
      spec.cols.forEach((c, k) => merged.set(c, (merged.get(c) ?? 0) + (spec.coefs[k] ?? 0)));
      this.termsOfRow.set(r, [...merged]);
    }
    for (const r of rows) {
      let published = 0;
      for (const [c, coef] of this.coefficients(r)) {
        const terms = this.termsOf.get(c) ?? [];
        terms.push({ row: r, coef });
        this.termsOf.set(c, terms);
        if (!this.isFreeVariable(c)) published += coef * this.variable(c).value;
      }
      this.publishedSum.set(r, published);
    }
    for (const v of variables) if (this.isFreeVariable(v)) this.addColumnIndex(v);
    for (const r of rows) if (this.coefficients(r).some(([c]) => this.columnOf.has(c))) this.addRowIndex(r);

    const colLower = new Float64Array(this.columns.length);
    const colUpper = new Float64Array(this.columns.length);
    this.columns.forEach((v, k) => {
      colLower[k] = this.bound(this.variable(v).lower);
      colUpper[k] = this.bound(this.variable(v).upper);
    });
    const starts: number[] = [0];
    const indices: number[] = [];
    const values: number[] = [];
    for (const r of this.modelRows) {
      for (const [c, coef] of this.coefficients(r)) {
        const k = this.columnOf.get(c);
        if (k === undefined) continue;
        indices.push(k);
        values.push(coef);
      }
      starts.push(indices.length);
    }
    this.model = highs.createModel({
      numCols: this.columns.length,
      numRows: this.modelRows.length,
      colCost: new Float64Array(this.columns.length),
      colLower,
      colUpper,
      rowLower: Float64Array.from(this.modelRows, (r) => this.rowBounds(r)[0]),
      rowUpper: Float64Array.from(this.modelRows, (r) => this.rowBounds(r)[1]),
      matrix: {
        format: 'csr',
        numRows: this.modelRows.length,
        numCols: this.columns.length,
        starts: Int32Array.from(starts),
        indices: Int32Array.from(indices),
        values: Float64Array.from(values),
      },
    });
    // Primal simplex without presolve: every later solve starts from the previous (still feasible) basis.
    this.model.options.set({ output_flag: false, presolve: 'off', solver: 'simplex', simplex_strategy: 4, random_seed: 0 });
  }

  /** The variable was just suppressed: it becomes a column, its value leaves the row bounds. */
  free(variable: number): void {
    if (this.columnOf.has(variable) || !this.termsOf.has(variable)) return;
    const value = this.variable(variable).value;
    const indices: number[] = [];
    const coefs: number[] = [];
    for (const { row, coef } of this.termsOf.get(variable) ?? []) {
      this.publishedSum.set(row, (this.publishedSum.get(row) ?? 0) - coef * value);
      const [lower, upper] = this.rowBounds(row);
      let modelRow = this.modelRowOf.get(row);
      if (modelRow === undefined) {
        modelRow = this.addRowIndex(row);
        this.model.addRow(lower, upper, { indices: [], values: [] });
      } else {
        this.model.changeRowBounds(modelRow, lower, upper);
      }
      indices.push(modelRow);
      coefs.push(coef);
    }
    this.addColumnIndex(variable);
    const v = this.variable(variable);
    this.model.addCol(0, this.bound(v.lower), this.bound(v.upper), { indices, values: coefs });
  }

  extreme(variable: number, sense: Sense): Extreme {
    const i = this.columnOf.get(variable);
    if (i === undefined) throw new Error(`variable ${variable} is not a free cell of this component`);
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
    const v = this.variable(variable);
    if (status === modelStatus.unboundedOrInfeasible) {
      const open = sense === 'max' ? v.upper === Number.POSITIVE_INFINITY : false;
      if (open) return { value: unboundedValue, blockers: [] };
      throw new SolverError(status, `unbounded or infeasible while bounding ${v.cellId}`);
    }
    if (status !== modelStatus.optimal) throw new SolverError(status, `no optimum while bounding ${v.cellId} (infeasible input?)`);
    const { colValue, rowDual } = this.model.getSolution();
    this.record(colValue);
    return { value: this.model.getObjectiveValue() * this.scale, blockers: this.blockers(rowDual) };
  }

  /** Optimises a weighted sum of cells and records the optimum; the single-cell objective is forgotten. */
  sweep(weights: ReadonlyMap<number, number>, sense: Sense): boolean {
    const all = { kind: 'range', from: 0, to: this.columns.length - 1 } as const;
    this.model.changeColsCost(all, Float64Array.from(this.columns, (v) => weights.get(v) ?? 0));
    this.objective = null;
    const { objectiveSense, modelStatus } = this.highs.constants;
    this.model.changeObjectiveSense(sense === 'min' ? objectiveSense.minimize : objectiveSense.maximize);
    this.model.run();
    // Anything but an optimum (an unbounded direction, numerical trouble) proves nothing; the single-cell
    // LPs that follow handle those cells on their own.
    const optimal = this.model.getModelStatus() === modelStatus.optimal;
    if (optimal) this.record(this.model.getSolution().colValue);
    this.model.changeColsCost(all, new Float64Array(this.columns.length));
    return optimal;
  }

  dispose(): void {
    this.model.dispose();
  }

  /**
   * The reduced cost a published cell would have as a fixed column: its cost (0) minus its column of the
   * matrix times the row duals. Only rows with a non-zero dual contribute.
   */
  private blockers(rowDual: Float64Array): Blocker[] {
    const rates = new Map<number, number>();
    this.modelRows.forEach((r, k) => {
      const dual = rowDual[k] ?? 0;
      if (Math.abs(dual) <= RATE_EPSILON) return;
      for (const [c, coef] of this.coefficients(r)) {
        if (!this.columnOf.has(c)) rates.set(c, (rates.get(c) ?? 0) - coef * dual);
      }
    });
    const blockers: Blocker[] = [];
    for (const [variable, rate] of rates) if (Math.abs(rate) > RATE_EPSILON) blockers.push({ variable, rate });
    return blockers.sort((a, b) => a.variable - b.variable);
  }

  /** Every optimum is also a feasible point: remember how far each free cell went in it. */
  private record(colValue: Float64Array): void {
    this.columns.forEach((v, k) => {
      const x = (colValue[k] ?? Number.NaN) * this.scale;
      if (x > (this.seenMax[v] ?? Number.POSITIVE_INFINITY)) this.seenMax[v] = x;
      if (x < (this.seenMin[v] ?? Number.NEGATIVE_INFINITY)) this.seenMin[v] = x;
    });
  }

  /** Row bounds for the solver: the relation's bounds minus what the published cells in it contribute. */
  private rowBounds(row: number): [number, number] {
    const spec = this.system.rows[row];
    if (spec === undefined) throw new Error(`unknown row ${row}`);
    const published = this.publishedSum.get(row) ?? 0;
    return [this.bound(spec.lower - published), this.bound(spec.upper - published)];
  }

  private coefficients(row: number): readonly (readonly [number, number])[] {
    const terms = this.termsOfRow.get(row);
    if (terms === undefined) throw new Error(`row ${row} is not in this component`);
    return terms;
  }

  private addColumnIndex(variable: number): void {
    this.columnOf.set(variable, this.columns.length);
    this.columns.push(variable);
  }

  private addRowIndex(row: number): number {
    const index = this.modelRows.length;
    this.modelRowOf.set(row, index);
    this.modelRows.push(row);
    return index;
  }

  private isFreeVariable(variable: number): boolean {
    return isFree(this.variable(variable), this.suppressed);
  }

  private variable(index: number): SystemVariable {
    const v = this.system.variables[index];
    if (v === undefined) throw new Error(`unknown variable ${index}`);
    return v;
  }

  private bound(x: number): number {
    if (x === Number.POSITIVE_INFINITY) return this.highs.infinity;
    if (x === Number.NEGATIVE_INFINITY) return -this.highs.infinity;
    return x / this.scale;
  }
}
