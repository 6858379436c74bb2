import { setImmediate as nextTurn } from 'node:timers/promises';
import { achterstandBands, sectorGroups, UNKNOWN_PROVINCE } from '@npo/analytics-model';
import { scanDomains, severityLevels } from '@npo/contracts';
import { codesInEdition, menukaartCategoryCodes, menukaartEditionFor, menukaartEntry, menukaartOrder } from '@npo/domain';
import type { AmountCell, Cell, CountCell, Relation, ReleaseInput, Table } from '@npo/privacy';
import type { EvaluationFacts, Reference, SchoolFacts, YearFacts } from '../facts/school-facts.js';
import { poolRandomEffects, type PooledEffect } from '../stats/random-effects.js';
import { cellId, EVIDENCE_SCOPE, measure, NATIONAL, unitId, type UnitKind } from './cell-ids.js';
import { evidenceInScope, type ReportScope, unitInScope, WHOLE_REPORT } from './report-scope.js';
import { scanLevelKey, tallyUnit } from './unit-tally.js';

/** A unit a table describes; its population (number of schools) is public (DUO). */
export interface UnitInfo {
  readonly id: string;
  readonly kind: UnitKind;
  readonly code: string;
  readonly population: number;
  /** For gemeenten: name and province. */
  readonly name?: string;
  readonly province?: string;
}

export interface YearBasis {
  readonly schoolYear: string;
  readonly mrDeadline: string;
  readonly interventions: readonly string[];
  readonly units: readonly UnitInfo[];
  /** Gemeente -> its own allocation (public). */
  readonly gemeenteAllocations: Readonly<Record<string, number>>;
}

/** True statistics of the evidence view, published only when their guard count is. */
export interface EvidenceStatistic {
  readonly code: string;
  /** The count cell that decides whether the statistic may be shown. */
  readonly guard: string;
  readonly meanExperiencedEffect: number | null;
  readonly pooled: PooledEffect | null;
  /**
   * The evaluations it is computed over (`brin|schoolYear`). Private: a later release compares its own
   * group with this one, since two figures over groups that differ by a few schools give those away.
   */
  readonly contributors: readonly string[];
}

export interface ReportBasis {
  readonly asOf: string;
  readonly schoolYears: readonly string[];
  readonly years: Readonly<Record<string, YearBasis>>;
  readonly evidenceInterventions: readonly string[];
  readonly nationalPopulation: number;
}

export interface ReportInput {
  readonly release: ReleaseInput;
  readonly basis: ReportBasis;
  readonly statistics: readonly EvidenceStatistic[];
}

const sumOf = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

interface UnitMembers {
  readonly unit: UnitInfo;
  readonly schools: readonly SchoolFacts[];
}

function unitsOf(year: YearFacts, reference: Reference): UnitMembers[] {
  const all = year.schools;
  const by = (key: (s: SchoolFacts) => string): Map<string, SchoolFacts[]> => {
    const m = new Map<string, SchoolFacts[]>();
    for (const s of all) {
      const k = key(s);
      const list = m.get(k);
      if (list === undefined) m.set(k, [s]);
      else list.push(s);
    }
    return m;
  };
  const units: UnitMembers[] = [{ unit: { id: NATIONAL, kind: 'nl', code: NATIONAL, population: all.length }, schools: all }];
  for (const [code, schools] of [...by((s) => s.gemeente)].sort(([a], [b]) => a.localeCompare(b))) {
    const ref = reference.gemeenten.get(code);
    units.push({
      unit: { id: unitId.gemeente(code), kind: 'gemeente', code, population: schools.length, name: ref?.name ?? code, province: ref?.province ?? UNKNOWN_PROVINCE },
      schools,
    });
  }
  // Breakdown units without schools are left out: their cells would be 0 by definition, nothing to
  // protect and nothing to tell, and a cell pinned to 0 by its population can never meet a protection level.
  const bySector = by((s) => s.sectorGroup);
  for (const g of sectorGroups) {
    const schools = bySector.get(g) ?? [];
    if (schools.length > 0) units.push({ unit: { id: unitId.sector(g), kind: 'sector', code: g, population: schools.length }, schools });
  }
  const byBand = by((s) => s.band);
  for (const b of achterstandBands) {
    const schools = byBand.get(b.code) ?? [];
    if (schools.length > 0) units.push({ unit: { id: unitId.band(b.code), kind: 'band', code: b.code, population: schools.length }, schools });
  }
  const byProvince = by((s) => s.province);
  for (const p of [...reference.provinces.keys()].sort()) {
    const schools = byProvince.get(p) ?? [];
    if (schools.length > 0) units.push({ unit: { id: unitId.province(p), kind: 'province', code: p, population: schools.length }, schools });
  }
  return units;
}

/**
 * In a gemeente's ad-hoc view, the nation's other schools as one unit, so that the view holds the whole
 * partition nation = gemeente + rest. The response does not render it, but its cells follow from what it
 * does render (nation minus gemeente), so they go through the disclosure control like every other cell.
 */
function restOfNation(scope: ReportScope, year: string, all: readonly UnitMembers[]): UnitMembers | undefined {
  if (scope.view !== 'gemeente' || scope.schoolYear !== year) return undefined;
  const nation = all.find((m) => m.unit.kind === 'nl');
  const gemeente = all.find((m) => m.unit.kind === 'gemeente' && m.unit.code === scope.gemeente);
  if (nation === undefined || gemeente === undefined) return undefined;
  const inside = new Set(gemeente.schools.map((s) => s.brin));
  const schools = nation.schools.filter((s) => !inside.has(s.brin));
  return { unit: { id: unitId.rest(scope.gemeente), kind: 'rest', code: scope.gemeente, population: schools.length }, schools };
}

/**
 * Every chosen intervention has a planned budget above 0 (the contract), so an amount sums a positive
 * contribution of exactly the schools its count counts: public knowledge the disclosure control must use.
 */
const presence = (count: string, amount: string): Relation => ({ kind: 'presence', count, amount });

/** Every cell of one unit in one year, and the relations inside it. */
function unitTable(year: string, interventions: readonly string[], members: UnitMembers): Table {
  const { unit, schools } = members;
  const population = schools.length;
  const tally = tallyUnit(schools);
  const id = (m: string): string => cellId(year, unit.id, m);
  // The statistic without its year: a later release keeps the pattern of the same figure of any year.
  const key = (m: string): string => `${unit.id}|${m}`;
  const cells: Cell[] = [];
  const relations: Relation[] = [];
  const count = (m: string, value: number): string => {
    const cell: CountCell = { id: id(m), key: key(m), kind: 'count', value, population, dims: { unit: unit.id, measure: m } };
    cells.push(cell);
    return cell.id;
  };
  const amount = (m: string, contributions: readonly number[] = []): string => {
    const cell: AmountCell = { id: id(m), key: key(m), kind: 'amount', value: sumOf(contributions), contributions: [...contributions], population, dims: { unit: unit.id, measure: m } };
    cells.push(cell);
    return cell.id;
  };

  const submitted = count(measure.submitted, tally.submitted);
  const plan = count(measure.plan, tally.plan);
  const approved = count(measure.approved, tally.approved);
  const inTime = count(measure.approvedInTime, tally.approvedInTime);
  relations.push(
    { kind: 'linear', terms: [{ cell: plan, coef: 1 }, { cell: submitted, coef: -1 }], op: '<=', rhs: 0 },
    { kind: 'linear', terms: [{ cell: approved, coef: 1 }, { cell: plan, coef: -1 }], op: '<=', rhs: 0 },
    { kind: 'linear', terms: [{ cell: inTime, coef: 1 }, { cell: approved, coef: -1 }], op: '<=', rhs: 0 },
  );

  const categoryCounts: string[] = [];
  const categoryAmounts: string[] = [];
  for (const category of menukaartCategoryCodes) {
    const codes = interventions.filter((c) => c.startsWith(category) && menukaartEntry(c)?.category === category);
    if (codes.length === 0) continue;
    const counts = codes.map((code) => count(measure.interventionCount(code), tally.codeSchools.get(code) ?? 0));
    const amounts = codes.map((code) => amount(measure.interventionAmount(code), tally.codeCents.get(code)));
    const catN = count(measure.categoryCount(category), tally.categorySchools.get(category) ?? 0);
    const catEur = amount(measure.categoryAmount(category), tally.categoryCents.get(category));
    relations.push({ kind: 'union', total: catN, parts: counts }, { kind: 'sum', total: catEur, parts: amounts });
    relations.push(...counts.map((n, i) => presence(n, amounts[i] as string)), presence(catN, catEur));
    categoryCounts.push(catN);
    categoryAmounts.push(catEur);
  }
  relations.push({ kind: 'union', total: plan, parts: categoryCounts });
  const budget = amount(measure.budget, tally.budget);
  relations.push({ kind: 'sum', total: budget, parts: categoryAmounts }, presence(plan, budget));

  const scanned = count(measure.scanned, tally.scanned);
  for (const domain of scanDomains) {
    const parts = severityLevels.map((level) => count(measure.scanLevel(domain, level), tally.scanLevels.get(scanLevelKey(domain, level)) ?? 0));
    relations.push({ kind: 'sum', total: scanned, parts });
  }
  relations.push({ kind: 'linear', terms: [{ cell: scanned, coef: 1 }, { cell: submitted, coef: -1 }], op: '<=', rhs: 0 });

  amount(measure.funds, tally.funds);
  return { id: `${year}|${unit.id}`, title: `${year} ${unit.id}`, cells, relations };
}

/** The measures every unit of a year has (the same list for each, so partitions line up). */
function measuresOf(table: Table, unit: string): string[] {
  const prefix = `${table.id.split('|')[0]}|${unit}|`;
  return table.cells.map((c) => c.id.slice(prefix.length));
}

interface YearPart {
  readonly tables: readonly Table[];
  readonly relations: readonly Relation[];
  /** Absent when the scope leaves the nation out: the year then has tables but no basis of its own. */
  readonly basis?: YearBasis;
  readonly population: number;
}

/** Units tabulated between two turns of the event loop (a national year has ~380 units, ~2 ms each). */
const UNITS_PER_TURN = 32;

/** One school year's tables, the relations among them and what the report says about the year. */
async function yearPart(year: YearFacts, reference: Reference, scope: ReportScope): Promise<YearPart | undefined> {
  // A year without schools has nothing to publish (and no population to protect anything with).
  if (year.schools.length === 0) return undefined;
  const y = year.schoolYear;
  const edition = menukaartEditionFor(y) ?? 'v1';
  const interventions = codesInEdition(edition);
  const all = unitsOf(year, reference);
  const members = all.filter((m) => unitInScope(scope, y, m.unit));
  const rest = restOfNation(scope, y, all);
  // An empty rest is left out like any unit without schools; the gemeente is then the nation on its own.
  if (rest !== undefined && rest.schools.length > 0) members.push(rest);
  const unitTables = new Map<string, Table>();
  for (const [i, m] of members.entries()) {
    if (i > 0 && i % UNITS_PER_TURN === 0) await nextTurn();
    unitTables.set(m.unit.id, unitTable(y, interventions, m));
  }
  const relations: Relation[] = [];
  const basis: YearBasis = {
    schoolYear: y,
    mrDeadline: reference.schoolYears.find((r) => r.code === y)?.mrDeadline ?? `${y.slice(0, 4)}-07-10`,
    interventions,
    units: members.map((m) => m.unit),
    gemeenteAllocations: Object.fromEntries(year.gemeenteAllocations),
  };
  const national = unitTables.get(NATIONAL);
  if (national === undefined) return { tables: [...unitTables.values()], relations, population: year.schools.length };
  const ofKind = (kind: UnitKind) => members.filter((m) => m.unit.kind === kind).map((m) => m.unit);
  const complete = (kind: UnitKind): boolean => ofKind(kind).length === all.filter((m) => m.unit.kind === kind).length;
  const gemeenten = complete('gemeente') ? ofKind('gemeente') : [];
  const provinces = complete('province') ? ofKind('province') : [];
  // A gemeente's view has the gemeente and the rest of the nation: together they partition it, so the
  // nation's published figures bound the gemeente's withheld ones and the audit must see that.
  const partitions = [gemeenten, complete('sector') ? ofKind('sector') : [], complete('band') ? ofKind('band') : [], provinces];
  if (rest !== undefined) partitions.push([...ofKind('gemeente'), ...ofKind('rest')]);
  for (const m of measuresOf(national, NATIONAL)) {
    const total = cellId(y, NATIONAL, m);
    for (const parts of partitions) if (parts.length > 0) relations.push({ kind: 'sum', total, parts: parts.map((u) => cellId(y, u.id, m)) });
    for (const province of provinces) {
      const inProvince = gemeenten.filter((g) => g.province === province.code);
      if (inProvince.length > 0) relations.push({ kind: 'sum', total: cellId(y, province.id, m), parts: inProvince.map((g) => cellId(y, g.id, m)) });
    }
  }
  return { tables: [...unitTables.values()], relations, basis, population: year.schools.length };
}

/**
 * Turns the as-of snapshot into the privacy library's release input: one table per (school year,
 * unit), an evidence table, every public relation — within a unit (interventions -> category -> plan,
 * budget sums, scan levels -> scanned) and across units (gemeenten, sectors, bands and provinces each
 * partition the nation; gemeenten partition their province). A narrower scope keeps only its own
 * tables and the relations among them: a partition with a unit left out is not a relation of the view.
 * It lets the event loop run between a few dozen units: the whole national report is ~700 ms of
 * JavaScript, which in one piece held every other request to the service that long.
 */
export async function buildReportInput(
  releaseId: string,
  asOf: string,
  years: readonly YearFacts[],
  evaluations: readonly EvaluationFacts[],
  reference: Reference,
  scope: ReportScope = WHOLE_REPORT,
): Promise<ReportInput> {
  const parts: (YearPart | undefined)[] = [];
  for (const year of years) parts.push(await yearPart(year, reference, scope));
  return assemble(releaseId, asOf, parts, evaluations, scope);
}

function assemble(releaseId: string, asOf: string, parts: readonly (YearPart | undefined)[], evaluations: readonly EvaluationFacts[], scope: ReportScope): ReportInput {
  const tables: Table[] = [];
  const relations: Relation[] = [];
  const yearBasis: Record<string, YearBasis> = {};
  let nationalPopulation = 0;
  for (const part of parts) {
    if (part === undefined) continue;
    tables.push(...part.tables);
    relations.push(...part.relations);
    if (part.basis !== undefined) yearBasis[part.basis.schoolYear] = part.basis;
    nationalPopulation = part.population;
  }

  const evidence = evidenceInScope(scope) ? evidenceTable(evaluations, nationalPopulation) : { table: null, statistics: [], codes: [] };
  if (evidence.table !== null && evidence.table.cells.length > 0) tables.push(evidence.table);

  return {
    release: { releaseId, tables, relations },
    basis: {
      asOf,
      schoolYears: Object.keys(yearBasis).sort(),
      years: yearBasis,
      evidenceInterventions: evidence.codes,
      nationalPopulation,
    },
    statistics: evidence.statistics,
  };
}

function evidenceTable(evaluations: readonly EvaluationFacts[], population: number): { table: Table; statistics: EvidenceStatistic[]; codes: string[] } {
  const codes = [...new Set(evaluations.map((e) => e.code))].sort((a, b) => menukaartOrder(a) - menukaartOrder(b));
  const cells: Cell[] = [];
  const relations: Relation[] = [];
  const statistics: EvidenceStatistic[] = [];
  const id = (m: string): string => cellId(EVIDENCE_SCOPE, NATIONAL, m);
  const byCode = new Map<string, EvaluationFacts[]>();
  for (const e of evaluations) {
    const list = byCode.get(e.code);
    if (list === undefined) byCode.set(e.code, [e]);
    else list.push(e);
  }
  for (const code of codes) {
    const mine = byCode.get(code) ?? [];
    const evaluated = id(measure.evaluated(code));
    cells.push({ id: evaluated, kind: 'count', value: mine.length, population, dims: { code } });
    const parts = (['yes', 'partly', 'no'] as const).map((value) => {
      const cell: CountCell = { id: id(measure.implemented(code, value)), kind: 'count', value: mine.filter((e) => e.implementedAsPlanned === value).length, population, dims: { code } };
      cells.push(cell);
      return cell.id;
    });
    relations.push({ kind: 'sum', total: evaluated, parts });
    const studies = mine.filter((e) => e.effectSize !== null && e.pupils !== null).map((e) => ({ effectSize: e.effectSize ?? 0, pupils: e.pupils ?? 0 }));
    const measured = id(measure.measured(code));
    cells.push({ id: measured, kind: 'count', value: studies.length, population, dims: { code } });
    relations.push({ kind: 'linear', terms: [{ cell: measured, coef: 1 }, { cell: evaluated, coef: -1 }], op: '<=', rhs: 0 });
    const who = (list: readonly EvaluationFacts[]): string[] => list.map((e) => `${e.brin}|${e.schoolYear}`).sort();
    statistics.push({
      code,
      guard: evaluated,
      meanExperiencedEffect: mine.length === 0 ? null : sumOf(mine.map((e) => e.experiencedEffect)) / mine.length,
      pooled: null,
      contributors: who(mine),
    });
    statistics.push({ code, guard: measured, meanExperiencedEffect: null, pooled: poolRandomEffects(studies) ?? null, contributors: who(mine.filter((e) => e.effectSize !== null && e.pupils !== null)) });
  }
  return { table: { id: `${EVIDENCE_SCOPE}|${NATIONAL}`, title: 'evidence', cells, relations }, statistics, codes };
}
