import * as highsModule from 'highs';
import { type Highs } from 'highs';
import { type ProtectedRelease, type Relation } from '../../src/index.js';

/**
 * An attacker written independently of the library's solver: it reads only PUBLISHED output (values,
 * populations, the public relations), writes its own CPLEX LP text and solves it with HiGHS's one-shot
 * API, as integers (schools and cents are whole numbers), which is at least as strong as the LP relaxation.
 */
export interface AttackerInterval {
  readonly lower: number;
  readonly upper: number;
}

export interface Knowledge {
  /** Releases the attacker has seen. */
  readonly releases: readonly ProtectedRelease[];
  /**
   * Extra assumptions the attacker makes, e.g. "cell X did not change between releases" (the tracker):
   * pairs of [releaseId, cellId] taken to be equal.
   */
  readonly assumeEqual?: readonly (readonly [readonly [string, string], readonly [string, string]])[];
  /** Public upper bounds for amounts (e.g. known allocations), keyed by cell id. */
  readonly amountBounds?: Readonly<Record<string, number>>;
}

let runtime: Promise<Highs> | undefined;
async function highs(): Promise<Highs> {
  const exported: unknown = highsModule.default;
  const loader = (typeof exported === 'function' ? exported : (exported as { default: () => Promise<Highs> }).default) as () => Promise<Highs>;
  runtime ??= loader();
  return runtime;
}

function relationConstraints(relation: Relation, name: (id: string) => string): string[] {
  switch (relation.kind) {
    case 'sum':
      return [`${relation.parts.map(name).join(' + ')} - ${name(relation.total)} = 0`];
    case 'union':
      return [
        ...relation.parts.map((p) => `${name(relation.total)} - ${name(p)} >= 0`),
        `${relation.parts.map(name).join(' + ')} - ${name(relation.total)} >= 0`,
      ];
    case 'linear':
      return [`${relation.terms.map((t) => `${t.coef >= 0 ? '+' : '-'} ${Math.abs(t.coef)} ${name(t.cell)}`).join(' ')} ${relation.op} ${relation.rhs}`];
    case 'presence':
      // Not linear: `intervals` propagates it between the cells' intervals.
      return [];
  }
}

export class Attacker {
  private readonly names = new Map<string, string>();
  private readonly constraints: string[] = [];
  /** Each variable's bounds: [v, v] when published. */
  private readonly bounds = new Map<string, { lower: number; upper: number }>();
  private readonly generals: string[] = [];
  /** Presence relations as [count, amount] variable names, with both cells suppressed or one of them. */
  private readonly presence: (readonly [string, string])[] = [];

  constructor(knowledge: Knowledge) {
    for (const release of knowledge.releases) {
      const name = (id: string): string => this.name(release.releaseId, id);
      for (const table of release.tables) {
        for (const cell of table.cells) {
          const x = name(cell.id);
          this.generals.push(x);
          if (!cell.suppressed) this.bounds.set(x, { lower: cell.value, upper: cell.value });
          else if (cell.kind === 'count') this.bounds.set(x, { lower: 0, upper: cell.population ?? 1e9 });
          else this.bounds.set(x, { lower: 0, upper: knowledge.amountBounds?.[cell.id] ?? Number.POSITIVE_INFINITY });
        }
      }
      const publishedValue = new Map(release.tables.flatMap((t) => t.cells.flatMap((c) => (c.suppressed ? [] : [[c.id, c.value] as const]))));
      for (const relation of release.relations) {
        this.constraints.push(...relationConstraints(relation, name));
        if (relation.kind !== 'presence') continue;
        this.presence.push([name(relation.count), name(relation.amount)]);
        // The rules are public: an amount of fewer than minFrequency schools is withheld, so a published one
        // has at least that many behind it.
        const amount = publishedValue.get(relation.amount);
        const count = this.bounds.get(name(relation.count));
        if (amount !== undefined && amount > 0 && count !== undefined) {
          this.bounds.set(name(relation.count), { lower: Math.max(count.lower, release.parameters.minFrequency), upper: count.upper });
        }
      }
    }
    for (const [[ra, a], [rb, b]] of knowledge.assumeEqual ?? []) this.constraints.push(`${this.name(ra, a)} - ${this.name(rb, b)} = 0`);
  }

  private name(releaseId: string, cellId: string): string {
    const key = `${releaseId}\u0000${cellId}`;
    let n = this.names.get(key);
    if (n === undefined) {
      n = `x${this.names.size}`;
      this.names.set(key, n);
    }
    return n;
  }

  private lp(objective: string, sense: 'Minimize' | 'Maximize'): string {
    return [
      sense,
      ` obj: ${objective}`,
      'Subject To',
      ...this.constraints.map((c, i) => ` c${i}: ${c}`),
      ...(this.constraints.length === 0 ? [' c0: 0 x0 >= 0'] : []),
      'Bounds',
      ...[...this.bounds].map(([x, { lower, upper }]) => (upper === Number.POSITIVE_INFINITY ? ` ${x} >= ${lower}` : ` ${lower} <= ${x} <= ${upper}`)),
      'General',
      ` ${this.generals.join(' ')}`,
      'End',
    ].join('\n');
  }

  /** The tightest interval the attacker can prove for one cell; Infinity when unbounded. */
  async interval(releaseId: string, cellId: string): Promise<AttackerInterval> {
    await this.propagatePresence();
    return this.solve(this.name(releaseId, cellId), cellId);
  }

  private propagated = false;

  /**
   * Uses the presence relations the way attack scripts do, without big-M rows: bound both cells of each
   * pair by integer programs, then an amount that cannot be 0 makes its count at least 1, a count or an
   * amount that must be 0 pins its partner to 0 (and a count of at least 1 its amount to at least 1
   * cent); repeat until nothing changes. Each step is a sound consequence, so the result is a valid
   * attack (not necessarily the strongest one).
   */
  private async propagatePresence(): Promise<void> {
    if (this.propagated) return;
    this.propagated = true;
    for (let changed = true; changed; ) {
      changed = false;
      for (const [n, a] of this.presence) {
        if ([n, a].every((x) => this.bounds.get(x)?.lower === this.bounds.get(x)?.upper)) continue;
        const count = await this.solve(n, n);
        const amount = await this.solve(a, a);
        const tighten = (x: string, lower: number, upper: number): void => {
          const b = this.bounds.get(x) ?? { lower: 0, upper: Number.POSITIVE_INFINITY };
          const next = { lower: Math.max(b.lower, lower), upper: Math.min(b.upper, upper) };
          if (next.lower !== b.lower || next.upper !== b.upper) {
            this.bounds.set(x, next);
            changed = true;
          }
        };
        if (amount.lower > 0) tighten(n, 1, Number.POSITIVE_INFINITY);
        if (count.lower > 0) tighten(a, 1, Number.POSITIVE_INFINITY);
        if (amount.upper === 0 || count.upper === 0) {
          tighten(n, 0, 0);
          tighten(a, 0, 0);
        }
      }
    }
  }

  private async solve(x: string, cellId: string): Promise<AttackerInterval> {
    const solver = await highs();
    const bound = (sense: 'Minimize' | 'Maximize'): number => {
      const result = solver.solve(this.lp(x, sense), { output_flag: false });
      // The minimum is solved first and proves feasibility, so "infeasible or unbounded" on the max is unbounded.
      if (result.Status === 'Unbounded' || (sense === 'Maximize' && result.Status === 'Primal infeasible or unbounded')) {
        return sense === 'Maximize' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      }
      if (result.Status !== 'Optimal') throw new Error(`attacker LP for ${cellId}: ${result.Status}`);
      return Math.round(result.ObjectiveValue);
    };
    return { lower: bound('Minimize'), upper: bound('Maximize') };
  }
}

/** Published value of a cell, or null when it is suppressed: what anyone can read off the release. */
export function published(release: ProtectedRelease, cellId: string): number | null {
  for (const table of release.tables) {
    const cell = table.cells.find((c) => c.id === cellId);
    if (cell !== undefined) return cell.value;
  }
  throw new Error(`no cell ${cellId} in release ${release.releaseId}`);
}
