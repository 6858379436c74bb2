import { type Highs } from 'highs';
import { InvalidReleaseInputError, ReleaseRefusedError } from './errors.js';
import { checkSelector, componentParts, type ReleasePartSelector, WHOLE_RELEASE } from './component-parts.js';
import { ReleaseHistory } from './history.js';
import { IntervalSolver, loadHighs } from './interval-solver.js';
import { buildLinearSystem, type PriorRelease } from './linear-system.js';
import {
  type AuditEntry,
  type AuditReport,
  type Cell,
  type PatternEntry,
  type ProtectedCell,
  type ProtectedTable,
  type Relation,
  type ReleaseInput,
  type SuppressionReason,
} from './model.js';
import { type DisclosureOverrides, type DisclosureParameters, resolveParameters } from './parameters.js';
import { PresenceLinks, presenceFloors } from './presence.js';
import { primaryReason } from './primary-rules.js';
import { compareIds, type Pattern, SecondarySuppression } from './secondary-suppression.js';
import { allRelations, cellsById, validateParameters, validateRelease } from './validate.js';

export interface ProtectOptions {
  /** Overrides of `disclosureDefaults`. */
  readonly parameters?: DisclosureOverrides;
  /** Earlier releases of the same statistics, oldest first (see README: multi-release tracking). */
  readonly priorReleases?: readonly PriorRelease[];
  /** A loaded HiGHS runtime; loaded once per process when omitted. */
  readonly highs?: Highs;
}

/**
 * The protected release as its maker sees it: no true value of a suppressed cell and no contribution, but
 * the reasons, the protection each cell required (built around its true value) and the audit's intervals
 * are here. Publish the tables' values through `publicValue` and the disclosure through `publicDisclosure`.
 */
export interface ProtectedRelease {
  readonly releaseId: string;
  readonly tables: readonly ProtectedTable[];
  /** The public structure the attacker also knows (and the audit gave it). */
  readonly relations: readonly Relation[];
  readonly pattern: readonly PatternEntry[];
  readonly audit: AuditReport;
  readonly parameters: DisclosureParameters;
}

/**
 * Applies the primary rules, suppresses complements until every suppressed cell is protected against
 * everything published in this release (and linked earlier releases), audits the result with HiGHS and
 * returns the publishable tables. Throws ReleaseRefusedError when some cell cannot be protected.
 */
export async function protectRelease(input: ReleaseInput, options: ProtectOptions = {}): Promise<ProtectedRelease> {
  return combineReleaseParts(input, options, [await protectReleasePart(input, options, WHOLE_RELEASE)]);
}

/**
 * One thread's share of protectRelease: the connected components `componentParts` gives to this part. Plain
 * data (it crosses a worker boundary); combineReleaseParts turns all parts into the release. Holds no true
 * value of a suppressed cell, but audit entries do hold the attacker's interval: keep parts private.
 */
export interface ReleasePart {
  readonly releaseId: string;
  readonly part: ReleasePartSelector;
  readonly pattern: readonly PatternEntry[];
  /** This part's audit entries, failing ones included (the combination refuses the release). */
  readonly audit: readonly AuditEntry[];
  readonly lpSolves: number;
  readonly totalLpSolves: number;
  readonly explorationLps: number;
}

/**
 * Protects the components of one part. Components share no relation, so the parts of a release can run
 * in parallel (each in its own thread, each with its own HiGHS) and together make exactly the pattern
 * that protecting the whole release at once makes.
 */
export async function protectReleasePart(input: ReleaseInput, options: ProtectOptions, part: ReleasePartSelector): Promise<ReleasePart> {
  checkSelector(part);
  const { params, system, history, cells, cellOf } = prepare(input, options);
  const partOf = componentParts(system, part.count);
  const pattern: Pattern = { reasons: new Map(), suppressed: new Set() };
  const carriedOver = new Map<number, string>();
  const currentVariables = [...system.current.values()].filter((v) => partOf[system.componentOf[v] ?? -1] === part.index).sort((a, b) => a - b);
  const byRule = (v: number): boolean => primaryReason(cellOf(v), params) !== null || history.carryOverFrom(cellOf(v)) !== null;
  const links = new PresenceLinks(system, cells, params, (v) => pattern.suppressed.has(v));
  for (const v of currentVariables) {
    const cell = cellOf(v);
    const reason = primaryReason(cell, params);
    const carried = reason === null ? history.carryOverFrom(cell) : null;
    if (reason !== null) pattern.reasons.set(v, reason);
    else if (carried !== null) {
      pattern.reasons.set(v, 'secondary');
      carriedOver.set(v, carried);
    } else if (links.forced(v, byRule)) pattern.reasons.set(v, 'secondary');
    if (pattern.reasons.has(v)) pattern.suppressed.add(v);
  }

  const ownCost = (v: number): number => complementCost(cellOf(v), params, history.wasEverSuppressed(cellOf(v)));
  // A zero complement, or a positive count, brings its partner along (presence.ts): it costs both.
  const costOf = (v: number): number => ownCost(v) + (links.bringsPartner(v) ? ownCost(links.partnerOf(v) ?? v) : 0);
  const highs = options.highs ?? (await loadHighs());
  const solver = new IntervalSolver(highs, system, pattern.suppressed);
  try {
    const engine = new SecondarySuppression(system, solver, pattern, costOf, params, links);
    // Primary cells (and those their presence partner forces) first: they drive the pattern; then
    // carried-over ones; both in id order.
    const primaries = currentVariables.filter((v) => pattern.suppressed.has(v) && !carriedOver.has(v));
    engine.explore();
    engine.run([...primaries, ...currentVariables.filter((v) => carriedOver.has(v))]);
    let before = solver.solves;
    let entries = engine.audit(params.exactAuditIntervals);
    let auditSolves = solver.solves - before;
    // The engine already widened every cell it could; further rounds only matter for numerical edge cases.
    for (let round = 1; round < params.maxRepairRounds && entries.some((e) => !e.ok); round++) {
      engine.run(entries.filter((e) => !e.ok).map((e) => system.current.get(e.cellId) ?? -1));
      before = solver.solves;
      entries = engine.audit(params.exactAuditIntervals);
      auditSolves = solver.solves - before;
    }
    const patternEntries: PatternEntry[] = [...pattern.reasons].map(([v, reason]) => {
      const from = carriedOver.get(v);
      return { cellId: cellOf(v).id, reason, ...(from === undefined ? {} : { carriedOverFrom: from }) };
    });
    return {
      releaseId: input.releaseId,
      part,
      pattern: patternEntries,
      audit: entries,
      lpSolves: auditSolves,
      totalLpSolves: solver.solves,
      explorationLps: solver.sweeps,
    };
  } finally {
    solver.dispose();
  }
}

/** The release made of every part of one split (part i of n for each i); throws ReleaseRefusedError when any cell failed. */
export function combineReleaseParts(input: ReleaseInput, options: ProtectOptions, parts: readonly ReleasePart[]): ProtectedRelease {
  const count = parts[0]?.part.count ?? 0;
  const indices = new Set(parts.map((p) => (p.part.count === count && p.releaseId === input.releaseId ? p.part.index : -1)));
  if (count === 0 || parts.length !== count || indices.size !== count || indices.has(-1)) {
    throw new InvalidReleaseInputError([`release ${input.releaseId}: expected every part of one split, got ${parts.map((p) => `${p.releaseId} ${p.part.index}/${p.part.count}`).join(', ')}`]);
  }
  const byId = (a: { cellId: string }, b: { cellId: string }): number => compareIds(a.cellId, b.cellId);
  const entries = parts.flatMap((p) => p.audit).sort(byId);
  const failing = entries.filter((e) => !e.ok);
  if (failing.length > 0) throw new ReleaseRefusedError(input.releaseId, failing);
  const patternEntries = parts.flatMap((p) => p.pattern).sort(byId);
  const reasons = new Map(patternEntries.map((p) => [p.cellId, p.reason] as const));
  const tables: ProtectedTable[] = input.tables.map((table) => ({
    id: table.id,
    ...(table.title === undefined ? {} : { title: table.title }),
    cells: table.cells.map((cell) => protectedCell(cell, reasons.get(cell.id))),
  }));
  const sum = (of: (p: ReleasePart) => number): number => parts.reduce((total, p) => total + of(p), 0);
  return {
    releaseId: input.releaseId,
    tables,
    relations: allRelations(input),
    pattern: patternEntries,
    audit: { ok: true, cells: entries, lpSolves: sum((p) => p.lpSolves), totalLpSolves: sum((p) => p.totalLpSolves), explorationLps: sum((p) => p.explorationLps) },
    parameters: resolveParameters(options.parameters),
  };
}

export interface PatternAudit extends AuditReport {
  /** Published cells that fail a primary rule: the pattern exposes them directly. */
  readonly publishedSensitive: readonly string[];
}

/**
 * Audits a suppression pattern someone else made (or a stored release) without changing it: the
 * attacker's interval for every suppressed cell against everything published, and the cells that fail a
 * primary rule but are published. Never throws for an unsafe pattern; `ok` tells.
 */
export async function auditPattern(input: ReleaseInput, suppressed: readonly string[], options: ProtectOptions = {}): Promise<PatternAudit> {
  const { params, system, cells, cellOf } = prepare(input, options);
  const unknown = suppressed.filter((id) => !cells.has(id));
  if (unknown.length > 0) throw new InvalidReleaseInputError([`suppressed cells not in the release: ${unknown.join(', ')}`]);
  const pattern: Pattern = { reasons: new Map(), suppressed: new Set() };
  for (const id of suppressed) {
    const v = system.current.get(id) ?? -1;
    pattern.reasons.set(v, primaryReason(cellOf(v), params) ?? 'secondary');
    pattern.suppressed.add(v);
  }
  const publishedSensitive = [...cells.values()]
    .filter((cell) => !pattern.suppressed.has(system.current.get(cell.id) ?? -1) && primaryReason(cell, params) !== null)
    .map((cell) => cell.id)
    .sort(compareIds);
  const highs = options.highs ?? (await loadHighs());
  const solver = new IntervalSolver(highs, system, pattern.suppressed);
  try {
    const links = new PresenceLinks(system, cells, params, (v) => pattern.suppressed.has(v));
    const engine = new SecondarySuppression(system, solver, pattern, () => Number.POSITIVE_INFINITY, params, links);
    const entries = engine.audit(params.exactAuditIntervals);
    const ok = entries.every((e) => e.ok) && publishedSensitive.length === 0;
    return { ok, cells: entries, lpSolves: solver.solves, totalLpSolves: solver.solves, explorationLps: solver.sweeps, publishedSensitive };
  } finally {
    solver.dispose();
  }
}

function prepare(input: ReleaseInput, options: ProtectOptions) {
  const params = resolveParameters(options.parameters);
  validateParameters(params);
  validateRelease(input);
  const priors = options.priorReleases ?? [];
  for (const prior of priors) {
    validateRelease(prior.input);
    const known = cellsById(prior.input);
    const unknown = prior.suppressed.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new InvalidReleaseInputError([`prior release ${prior.input.releaseId}: suppressed cells not in its tables: ${unknown.join(', ')}`]);
  }
  const cells = cellsById(input);
  const system = buildLinearSystem(input, priors, presenceFloors(input, cells, params));
  const history = new ReleaseHistory(priors);
  const cellOf = (v: number): Cell => {
    const id = system.variables[v]?.cellId;
    const cell = id === undefined ? undefined : cells.get(id);
    if (cell === undefined) throw new Error(`variable ${v} is not a current cell`);
    return cell;
  };
  return { params, system, cells, history, cellOf };
}

/** Information loss of suppressing a cell: small cells are cheap, totals expensive. */
export function complementCost(cell: Cell, params: DisclosureParameters, suppressedBefore: boolean): number {
  if (cell.cost !== undefined) return cell.cost;
  const perUnit = cell.kind === 'count' ? cell.value * params.cost.perSchool : (cell.value / 100) * params.cost.perEuro;
  const cost = params.cost.base + perUnit;
  return suppressedBefore ? cost * params.cost.priorSuppressedFactor : cost;
}

function protectedCell(cell: Cell, reason: SuppressionReason | undefined): ProtectedCell {
  const { id, kind, population, dims } = cell;
  // The usual cell, written out: a national release has ~125,000 and the spreads' temporary objects below
  // were most of combining its parts (on the service's thread). Same fields, same order.
  if (population !== undefined && dims !== undefined) {
    return reason === undefined ? { id, kind, population, dims, suppressed: false, value: cell.value } : { id, kind, population, dims, suppressed: true, value: null, reason };
  }
  const shared = {
    id: cell.id,
    kind: cell.kind,
    ...(cell.population === undefined ? {} : { population: cell.population }),
    ...(cell.dims === undefined ? {} : { dims: cell.dims }),
  };
  return reason === undefined ? { ...shared, suppressed: false, value: cell.value } : { ...shared, suppressed: true, value: null, reason };
}

/** What a later release needs to know about this one (keep the input; it holds the true values). */
export function priorReleaseOf(input: ReleaseInput, released: ProtectedRelease): PriorRelease {
  return { input, suppressed: released.pattern.map((p) => p.cellId), minFrequency: released.parameters.minFrequency };
}
