import { sectorGroups } from '@npo/analytics-model';
import { scanDomains, severityLevels } from '@npo/contracts';
import {
  menukaart,
  menukaartCategories,
  menukaartCategoryCodes,
  menukaartEditions,
  menukaartEntry,
  effectSizeBands,
  monthsForEffectSize,
  type MenukaartEdition,
} from '@npo/domain';
import { cellId, EVIDENCE_SCOPE, measure, NATIONAL } from '../cells/cell-ids.js';
import type { UnitInfo, YearBasis } from '../cells/build-release-input.js';
import type { PublishedReport } from '../cells/publish.js';
import { bandLabel, implementedLabels, measureLabels, provinceLabel, scanDomainLabels, sectorLabel, severityLabels } from '../labels.js';
import { type ReleaseReference, type ReportColumn, type ReportDocument, type ReportRow, type ReportTable, type ReportValue, standardNotes, Values, withoutEmptyValues } from './report-document.js';

export class ReportNotFoundError extends Error {
  readonly code = 'analytics-report-not-found' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ReportNotFoundError';
  }
}

function yearOf(report: PublishedReport, schoolYear: string): YearBasis {
  const year = report.basis.years[schoolYear];
  if (year === undefined) {
    throw new ReportNotFoundError(`no data for school year ${schoolYear} as of ${report.asOf} (available: ${report.basis.schoolYears.join(', ') || 'none'})`);
  }
  return year;
}

const col = (id: string, label: string, unit: ReportColumn['unit']): ReportColumn => ({ id, label, unit });

interface OverviewValue {
  readonly value: ReportValue;
  /** Of all the unit's schools. */
  readonly share: ReportValue | null;
  /** Of the unit's schools with a plan: consent is asked of those only. */
  readonly planShare: ReportValue | null;
}

/** Overview rows of one unit: counts with their shares, amounts. */
function overviewValues(v: Values, year: string, unit: UnitInfo, gemeenteFunds: number | null): Record<string, OverviewValue> {
  const id = (m: string): string => cellId(year, unit.id, m);
  const none = { share: null, planShare: null };
  const ofAll = (m: string): OverviewValue => ({ value: v.cell(id(m)), share: v.share(id(m), unit.population), planShare: null });
  const ofAllAndPlans = (m: string): OverviewValue => ({ ...ofAll(m), planShare: v.share(id(m), id(measure.plan)) });
  return {
    schools: { value: v.figure(unit.population), ...none },
    submitted: ofAll(measure.submitted),
    plan: ofAll(measure.plan),
    approved: ofAllAndPlans(measure.approved),
    approvedInTime: ofAllAndPlans(measure.approvedInTime),
    scanned: ofAll(measure.scanned),
    budget: { value: v.cell(id(measure.budget)), ...none },
    funds: { value: v.cell(id(measure.funds)), ...none },
    gemeenteFunds: { value: v.figure(gemeenteFunds), ...none },
  };
}

const overviewKeys = ['schools', 'submitted', 'plan', 'approved', 'approvedInTime', 'scanned', 'budget', 'funds', 'gemeenteFunds'] as const;
// Euro amounts get a column of their own: one column holding schools and cents would give a CSV reader
// `eenheid` count for an amount.
const overviewAmounts: ReadonlySet<string> = new Set(['budget', 'funds', 'gemeenteFunds']);

/*
 * Each denominator has a column of its own, named in its label: with one `aandeel` column a gemeente read
 * consent of 93% (of the schools with a plan) beside plans of 38% (of all schools), and the CSV line of a
 * share carries its column's label only, not the row's.
 */
function overviewTable(v: Values, y: YearBasis, units: readonly { prefix: string; label: string; unit: UnitInfo; gemeenteFunds: number | null }[]): ReportTable {
  const values = units.map((u) => ({ ...u, o: overviewValues(v, y.schoolYear, u.unit, u.gemeenteFunds) }));
  const columns = units.flatMap((u) => [
    col(`${u.prefix}waarde`, `${u.label}: aantal`, 'count'),
    col(`${u.prefix}bedrag`, `${u.label}: bedrag`, 'cents'),
    col(`${u.prefix}aandeel`, `${u.label}: aandeel van alle scholen`, 'share'),
    col(`${u.prefix}aandeel-programma`, `${u.label}: aandeel van de scholen met programma`, 'share'),
  ]);
  const rows: ReportRow[] = overviewKeys.map((key) => {
    const isAmount = overviewAmounts.has(key);
    return {
      key,
      label: key === 'approvedInTime' ? `${measureLabels.approvedInTime} (${y.mrDeadline})` : measureLabels[key],
      values: Object.fromEntries(
        values.flatMap((u): [string, ReportValue | null][] => [
          [`${u.prefix}waarde`, isAmount ? null : (u.o[key]?.value ?? null)],
          [`${u.prefix}bedrag`, isAmount ? (u.o[key]?.value ?? null) : null],
          [`${u.prefix}aandeel`, u.o[key]?.share ?? null],
          [`${u.prefix}aandeel-programma`, u.o[key]?.planShare ?? null],
        ]),
      ),
    };
  });
  return { id: 'overzicht', title: `Overzicht schooljaar ${y.schoolYear}`, rowHeader: 'Onderwerp', columns, rows };
}

function interventionTable(v: Values, y: YearBasis, units: readonly { prefix: string; label: string; unit: UnitInfo }[]): ReportTable {
  const columns = units.flatMap((u) => [
    col(`${u.prefix}scholen`, `${u.label}: scholen`, 'count'),
    col(`${u.prefix}aandeel`, `${u.label}: aandeel van de scholen`, 'share'),
    col(`${u.prefix}budget`, `${u.label}: gepland budget`, 'cents'),
  ]);
  const rowFor = (key: string, label: string, level: ReportRow['level'], n: string, eur: string): ReportRow => ({
    key,
    label,
    level,
    values: Object.fromEntries(
      units.flatMap((u) => {
        const id = (m: string): string => cellId(y.schoolYear, u.unit.id, m);
        return [
          [`${u.prefix}scholen`, v.cell(id(n))],
          [`${u.prefix}aandeel`, v.share(id(n), u.unit.population)],
          [`${u.prefix}budget`, v.cell(id(eur))],
        ];
      }),
    ),
  });
  const rows: ReportRow[] = [rowFor('totaal', 'Alle interventies', 'total', measure.plan, measure.budget)];
  for (const category of menukaartCategoryCodes) {
    const codes = y.interventions.filter((c) => menukaartEntry(c)?.category === category);
    if (codes.length === 0) continue;
    rows.push(rowFor(category, `${category}. ${menukaartCategories[category].name}`, 'category', measure.categoryCount(category), measure.categoryAmount(category)));
    for (const code of codes) rows.push(rowFor(code, `${code} ${menukaartEntry(code)?.name ?? code}`, 'intervention', measure.interventionCount(code), measure.interventionAmount(code)));
  }
  return { id: 'interventies', title: `Gekozen interventies per doelgebied, schooljaar ${y.schoolYear}`, rowHeader: 'Doelgebied / interventie', columns, rows };
}

function scanTable(v: Values, y: YearBasis, units: readonly { prefix: string; label: string; unit: UnitInfo }[]): ReportTable {
  const columns = units.flatMap((u) => [
    col(`${u.prefix}gescand`, `${u.label}: scholen met scan`, 'count'),
    ...severityLevels.flatMap((level) => [col(`${u.prefix}${level}`, `${u.label}: ${severityLabels[level]}`, 'count'), col(`${u.prefix}${level}-aandeel`, `${u.label}: ${severityLabels[level]} (aandeel van de scholen met scan)`, 'share')]),
  ]);
  const rows: ReportRow[] = scanDomains.map((domain) => ({
    key: domain,
    label: scanDomainLabels[domain],
    values: Object.fromEntries(
      units.flatMap((u) => {
        const id = (m: string): string => cellId(y.schoolYear, u.unit.id, m);
        return [
          [`${u.prefix}gescand`, v.cell(id(measure.scanned))],
          ...severityLevels.flatMap((level) => [
            [`${u.prefix}${level}`, v.cell(id(measure.scanLevel(domain, level)))],
            [`${u.prefix}${level}-aandeel`, v.share(id(measure.scanLevel(domain, level)), id(measure.scanned))],
          ]),
        ];
      }),
    ),
  }));
  return { id: 'scan', title: `Uitkomsten schoolscan per domein, schooljaar ${y.schoolYear}`, rowHeader: 'Domein', columns, rows };
}

/** Rows = units (or years), columns = the key figures and uptake per category. */
function breakdownColumns(): ReportColumn[] {
  return [
    col('scholen', measureLabels.schools, 'count'),
    col('programma', 'Scholen met programma', 'count'),
    col('programma-aandeel', 'Aandeel scholen met programma', 'share'),
    col('instemming', 'Scholen met instemming MR', 'count'),
    col('instemming-aandeel', 'Aandeel instemming (van scholen met programma)', 'share'),
    col('budget', measureLabels.budget, 'cents'),
    col('middelen', measureLabels.funds, 'cents'),
    ...menukaartCategoryCodes.flatMap((c) => [col(`${c}`, `${c}. ${menukaartCategories[c].name}: scholen`, 'count'), col(`${c}-aandeel`, `${c}: aandeel van de scholen`, 'share')]),
  ];
}

function breakdownRow(v: Values, year: string, unit: UnitInfo, key: string, label: string): ReportRow {
  const id = (m: string): string => cellId(year, unit.id, m);
  const has = (m: string): boolean => v.cell(id(m)).value !== null || v.cell(id(m)).suppressed === true;
  return {
    key,
    label,
    values: {
      scholen: v.figure(unit.population),
      programma: v.cell(id(measure.plan)),
      'programma-aandeel': v.share(id(measure.plan), unit.population),
      instemming: v.cell(id(measure.approved)),
      'instemming-aandeel': v.share(id(measure.approved), id(measure.plan)),
      budget: v.cell(id(measure.budget)),
      middelen: v.cell(id(measure.funds)),
      ...Object.fromEntries(
        menukaartCategoryCodes.flatMap((c): [string, ReportValue | null][] =>
          has(measure.categoryCount(c))
            ? [
                [c, v.cell(id(measure.categoryCount(c)))],
                [`${c}-aandeel`, v.share(id(measure.categoryCount(c)), unit.population)],
              ]
            : [
                [c, null],
                [`${c}-aandeel`, null],
              ],
        ),
      ),
    },
  };
}

function breakdownTable(v: Values, y: YearBasis, kind: 'sector' | 'band' | 'province'): ReportTable {
  const units = y.units.filter((u) => u.kind === kind);
  const ordered = kind === 'sector' ? sectorGroups.flatMap((g) => units.filter((u) => u.code === g)) : units;
  const label = (u: UnitInfo): string => (kind === 'sector' ? sectorLabel(u.code) : kind === 'band' ? bandLabel(u.code) : provinceLabel(u.code));
  const titles = { sector: ['naar-sector', 'Naar sector', 'Sector'], band: ['naar-achterstand', 'Naar achterstandsscore van de school', 'Achterstandsband'], province: ['naar-provincie', 'Naar provincie', 'Provincie'] } as const;
  const [id, title, header] = titles[kind];
  return {
    id,
    title: `${title}, schooljaar ${y.schoolYear}`,
    rowHeader: header,
    columns: breakdownColumns(),
    rows: ordered.map((u) => breakdownRow(v, y.schoolYear, u, u.code, label(u))),
  };
}

function trendTable(v: Values, report: PublishedReport): ReportTable {
  const rows = report.basis.schoolYears.flatMap((year) => {
    const national = report.basis.years[year]?.units.find((u) => u.kind === 'nl');
    return national === undefined ? [] : [breakdownRow(v, year, national, year, `Schooljaar ${year}`)];
  });
  return { id: 'trend', title: `Ontwikkeling over de schooljaren (stand ${report.asOf})`, rowHeader: 'Schooljaar', columns: breakdownColumns(), rows };
}

const nationalUnit = (y: YearBasis): UnitInfo => {
  const u = y.units.find((x) => x.kind === 'nl');
  if (u === undefined) throw new ReportNotFoundError(`no national figures for ${y.schoolYear}`);
  return u;
};
const sumValues = (o: Readonly<Record<string, number>>): number => Object.values(o).reduce((a, b) => a + b, 0);

export function nationalReport(report: PublishedReport, schoolYear: string, release: ReleaseReference | null): ReportDocument {
  const v = new Values(report);
  const y = yearOf(report, schoolYear);
  const nl = nationalUnit(y);
  const units = [{ prefix: '', label: 'Nederland', unit: nl, gemeenteFunds: sumValues(y.gemeenteAllocations) }];
  return {
    report: 'national',
    title: `NPO landelijk beeld, schooljaar ${schoolYear}`,
    asOf: report.asOf,
    schoolYear,
    release,
    notes: standardNotes(report),
    tables: [
      overviewTable(v, y, units),
      interventionTable(v, y, units),
      scanTable(v, y, units),
      breakdownTable(v, y, 'sector'),
      breakdownTable(v, y, 'band'),
      breakdownTable(v, y, 'province'),
      trendTable(v, report),
    ].map(withoutEmptyValues),
  };
}

export function gemeenteReport(report: PublishedReport, gemeente: string, schoolYear: string, release: ReleaseReference | null): ReportDocument {
  const v = new Values(report);
  const y = yearOf(report, schoolYear);
  const unit = y.units.find((u) => u.kind === 'gemeente' && u.code === gemeente);
  if (unit === undefined) throw new ReportNotFoundError(`no school in gemeente ${gemeente} as of ${report.asOf}`);
  const nl = nationalUnit(y);
  const units = [
    // No allocation to the gemeente that year is an allocation of 0, as the national sum beside it counts it.
    { prefix: 'gemeente-', label: unit.name ?? gemeente, unit, gemeenteFunds: y.gemeenteAllocations[gemeente] ?? 0 },
    { prefix: 'nederland-', label: 'Nederland', unit: nl, gemeenteFunds: sumValues(y.gemeenteAllocations) },
  ];
  return {
    report: 'gemeente',
    title: `NPO in gemeente ${unit.name ?? gemeente}, schooljaar ${schoolYear}`,
    asOf: report.asOf,
    schoolYear,
    gemeente: { code: gemeente, name: unit.name ?? gemeente, province: provinceLabel(unit.province ?? '') },
    release,
    notes: standardNotes(report),
    tables: [overviewTable(v, y, units), interventionTable(v, y, units), scanTable(v, y, units)].map(withoutEmptyValues),
  };
}

/** The latest edition that lists the intervention with figures that were read. */
function ratingOf(code: string): { edition: MenukaartEdition; months: number | null; evidence: number | null; cost: number | null } | null {
  const entry = menukaartEntry(code);
  if (entry === undefined) return null;
  for (const edition of [...menukaartEditions].reverse()) {
    const f = entry.editions[edition];
    if (f !== undefined && f.figuresRead) return { edition, months: f.months, evidence: f.evidence, cost: f.cost };
  }
  return null;
}

export function evidenceReport(report: PublishedReport, release: ReleaseReference | null): ReportDocument {
  const v = new Values(report);
  const years = report.basis.schoolYears;
  const stat = (code: string, guard: string) => report.statistics.find((s) => s.code === code && s.guard === guard);
  const columns: ReportColumn[] = [
    col('editie', 'Menukaart-editie van de cijfers', 'text'),
    col('maanden', 'Internationale impact (maanden extra voortgang)', 'months'),
    col('bewijskracht', 'Bewijskracht (1-5)', 'score'),
    col('kosten', 'Kosten (1-5)', 'score'),
    ...years.flatMap((y) => [col(`scholen-${y}`, `Scholen die kozen, ${y}`, 'count'), col(`aandeel-${y}`, `Aandeel scholen, ${y}`, 'share')]),
    col('geevalueerd', 'Scholen met een evaluatie', 'count'),
    col('uitgevoerd', implementedLabels.yes, 'count'),
    col('deels', implementedLabels.partly, 'count'),
    col('niet', implementedLabels.no, 'count'),
    col('ervaren-effect', 'Ervaren effect (gemiddeld, 1-5)', 'score'),
    col('gemeten', 'Scholen met een gemeten effect', 'count'),
    col('effectgrootte', 'Gepoold effect (Hedges g, random effects)', 'effect-size'),
    col('ci-onder', '95%-betrouwbaarheidsinterval, ondergrens', 'effect-size'),
    col('ci-boven', '95%-betrouwbaarheidsinterval, bovengrens', 'effect-size'),
    col('i2', 'Heterogeniteit I²', 'share'),
    col('maanden-nl', 'Nederlands effect in maanden (EEF-omrekening)', 'months'),
  ];
  const rows: ReportRow[] = menukaart.map((entry) => {
    const code = entry.code;
    const rating = ratingOf(code);
    const evaluated = cellId(EVIDENCE_SCOPE, NATIONAL, measure.evaluated(code));
    const measured = cellId(EVIDENCE_SCOPE, NATIONAL, measure.measured(code));
    const pooled = stat(code, measured)?.pooled ?? null;
    const uptake = years.flatMap((y) => {
      const basis = report.basis.years[y];
      const nl = basis?.units.find((u) => u.kind === 'nl');
      const inEdition = basis?.interventions.includes(code) ?? false;
      const id = cellId(y, NATIONAL, measure.interventionCount(code));
      return [
        [`scholen-${y}`, inEdition ? v.cell(id) : null],
        [`aandeel-${y}`, inEdition && nl !== undefined ? v.share(id, nl.population) : null],
      ];
    });
    const hasEvidence = report.cells[evaluated] !== undefined;
    const ev = (m: string): ReportValue | null => (hasEvidence ? v.cell(cellId(EVIDENCE_SCOPE, NATIONAL, m)) : null);
    return {
      key: code,
      label: `${code} ${entry.name}`,
      level: 'intervention',
      values: {
        editie: rating?.edition ?? null,
        maanden: v.figure(rating?.months),
        bewijskracht: v.figure(rating?.evidence),
        kosten: v.figure(rating?.cost),
        ...Object.fromEntries(uptake),
        geevalueerd: ev(measure.evaluated(code)),
        uitgevoerd: ev(measure.implemented(code, 'yes')),
        deels: ev(measure.implemented(code, 'partly')),
        niet: ev(measure.implemented(code, 'no')),
        'ervaren-effect': hasEvidence ? v.guarded(evaluated, round(stat(code, evaluated)?.meanExperiencedEffect, 2)) : null,
        gemeten: ev(measure.measured(code)),
        effectgrootte: hasEvidence ? v.guarded(measured, round(pooled?.estimate, 3)) : null,
        'ci-onder': hasEvidence ? v.guarded(measured, round(pooled?.lower, 3)) : null,
        'ci-boven': hasEvidence ? v.guarded(measured, round(pooled?.upper, 3)) : null,
        i2: hasEvidence ? v.guarded(measured, round(pooled?.i2, 3)) : null,
        'maanden-nl': hasEvidence ? v.guarded(measured, pooled === null ? null : (monthsForEffectSize(pooled.estimate) ?? null)) : null,
      },
    };
  });
  return {
    report: 'evidence',
    title: 'Menukaart: internationale evidentie naast Nederlandse keuzes en ervaringen',
    asOf: report.asOf,
    release,
    notes: [
      ...standardNotes(report),
      'Internationale cijfers: EEF Teaching and Learning Toolkit (Nederlandse editie NRO); maanden extra voortgang, bewijskracht en kosten op een schaal van 1-5.',
      'Gepoold effect: DerSimonian-Laird random-effects over de gemeten effecten van scholen (variantie 4/n + g²/2n, twee even grote groepen aangenomen); alleen getoond als het aantal scholen met een meting gepubliceerd mag worden.',
      monthsNote(),
      'Leeg zonder de status geheim: de EEF-toolkit geeft dat cijfer niet, de interventie stond dat schooljaar niet op de menukaart, of er zijn geen evaluaties of metingen om het op te baseren.',
    ],
    tables: [withoutEmptyValues({ id: 'evidentie', title: 'Evidentie per interventie', rowHeader: 'Interventie', columns, rows })],
  };
}

/** Why `maanden-nl` can be empty without being withheld: the convention has no band for that effect. */
function monthsNote(): string {
  const dutch = (g: number): string => g.toFixed(2).replace('.', ',');
  const first = effectSizeBands[0]!;
  const last = effectSizeBands[effectSizeBands.length - 1]!;
  return (
    `Nederlands effect in maanden: volgens de EEF-omrekening (+${first.months} maand = g ${dutch(first.min)}-${dutch(first.max)} tot ` +
    `+${last.months} maanden = g ${dutch(last.min)}-${dutch(last.max)}); leeg waar het gepoolde effect buiten die banden valt.`
  );
}

const round = (x: number | null | undefined, decimals: number): number | null => (x === null || x === undefined ? null : Number(x.toFixed(decimals)));
