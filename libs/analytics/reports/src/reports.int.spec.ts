import { join } from 'node:path';
import { AnalyticsDatabase, runProjector, storeEventFeed } from '@npo/analytics-model';
import { appendSteps, ev, prng, school, type Step, tempDir } from '@npo/analytics-model/testing';
import type { Sector } from '@npo/contracts';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellId, measure } from './cells/cell-ids.js';
import type { ReportInput } from './cells/build-release-input.js';
import { protectReport, type ProtectedReport } from './cells/publish.js';
import { reportToCsv } from './render/csv.js';
import { reportInputAsOf } from './report-input.js';
import type { ReportValue } from './views/report-document.js';
import { evidenceReport, gemeenteReport, nationalReport } from './views/report-views.js';

/*
 * A small world described as plain data. Every expectation below is computed from this data with
 * plain filters — never by the code under test — and compared with what the reports say.
 */
const Y = '2021-2022';
interface FixtureSchool {
  readonly brin: string;
  readonly gemeente: string;
  readonly sector: Sector;
  readonly pupils: number;
  readonly score: number;
  readonly rekenen: 'none' | 'mild' | 'considerable' | 'severe' | null;
  readonly choices: readonly (readonly [string, number])[];
  /** Withdrawn on 2021-09-15 (after the MR decision, so consent lapses). */
  readonly withdrawn: string | null;
  /** MR approval date, or null. */
  readonly approvedOn: string | null;
  readonly fundsCents: number;
  readonly measuredB3: number | null;
}

const rnd = prng(20211);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
const plan: [string, number][] = [['GM0363', 26], ['GM0599', 22], ['GM0088', 1], ['GM0060', 3]];
const letters = 'ABCDEFGHJKLMNPRSTUVWXYZ';
const world: FixtureSchool[] = plan.flatMap(([gemeente, n], g) =>
  Array.from({ length: n }, (_, i): FixtureSchool => {
    const codes = ['B3', 'C1', 'E2', 'A3', 'D1'].filter((_c, k) => rnd() < [0.7, 0.6, 0.5, 0.3, 0.2][k]!);
    const choices = codes.map((c) => [c, 100_000 * (5 + Math.floor(rnd() * 60))] as const);
    const approved = choices.length > 0 && rnd() < 0.75;
    const withdrawn = choices.length > 1 && rnd() < 0.25 ? (choices[choices.length - 1]?.[0] ?? null) : null;
    return {
      brin: `${10 + g}${letters[Math.floor(i / letters.length)]}${letters[i % letters.length]}`,
      gemeente,
      sector: pick(['bo', 'bo', 'bo', 'sbo', 'vo', 'so'] as const),
      pupils: 100 + Math.floor(rnd() * 400),
      score: pick([0, 5, 40, 90, 200]),
      rekenen: rnd() < 0.85 ? pick(['none', 'mild', 'considerable', 'severe'] as const) : null,
      choices,
      withdrawn,
      approvedOn: approved ? (rnd() < 0.6 ? '2021-06-20' : '2021-08-20') : null,
      fundsCents: 10_000_000 + Math.floor(rnd() * 30_000_000),
      measuredB3: codes.includes('B3') && rnd() < 0.6 ? Math.round((0.1 + rnd() * 0.5) * 100) / 100 : null,
    };
  }),
);

function stepsOf(s: FixtureSchool): Step[] {
  const steps: Step[] = [ev.registered(school(s.brin, s.gemeente, { sector: s.sector, pupils: s.pupils, achterstandsscore: s.score }), '2021-03-01')];
  if (s.rekenen !== null) steps.push(ev.scan(s.brin, Y, '2021-04-15', { rekenen: s.rekenen }));
  for (const [code, cents] of s.choices) steps.push(ev.chosen(s.brin, Y, code, cents, '2021-05-10'));
  if (s.approvedOn !== null) steps.push(ev.mr(s.brin, Y, 'approved', s.choices.length, s.approvedOn));
  steps.push(ev.funds(s.brin, Y, s.fundsCents, '2021-08-15'));
  if (s.withdrawn !== null) steps.push(ev.withdrawn(s.brin, Y, s.withdrawn, '2021-09-15'));
  if (s.measuredB3 !== null) steps.push(ev.evaluated(s.brin, Y, 'B3', '2022-06-01', { measured: { effectSize: s.measuredB3, pupils: 60 }, experiencedEffect: 4 }));
  return steps;
}

/** A school's active codes as of a date, from the fixture alone. */
const activeCodes = (s: FixtureSchool, asOf: string): string[] =>
  asOf < '2021-05-10' ? [] : s.choices.map(([c]) => c).filter((c) => !(c === s.withdrawn && asOf >= '2021-09-15'));
const groupOf = (sector: Sector): string => (sector === 'bo' || sector === 'sbo' ? 'po' : sector === 'vo' || sector === 'pro' ? 'vo' : 'vso');

describe('reports on a fixture with independently computed numbers', () => {
  const dir = tempDir('analytics-reports');
  let db: AnalyticsDatabase;
  let late: ReportInput;
  let early: ReportInput;
  let protectedLate: ProtectedReport;

  beforeAll(async () => {
    const store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(store, world.flatMap(stepsOf));
    await appendSteps(store, [ev.gemeenteFunds('GM0363', Y, 250_000_000, '2021-08-01')]);
    db = await AnalyticsDatabase.open({ dir: join(dir.path, 'analytics') });
    const feed = storeEventFeed(store);
    const head = await feed.head();
    await db.read((conn) => runProjector(conn, { feed, until: head }));
    await store.close();
    late = await reportInputAsOf(db, '2022-07-31', 'test-late');
    early = await reportInputAsOf(db, '2021-06-30', 'test-early');
    protectedLate = await protectReport(late);
  }, 120_000);
  afterAll(async () => {
    await db.close();
    dir.remove();
  });

  const valueIn = (input: ReportInput, id: string): number | undefined => {
    for (const t of input.release.tables) for (const c of t.cells) if (c.id === id) return c.value;
    return undefined;
  };

  it('counts uptake, budgets, consent and funds per unit exactly as the fixture says, as of two dates', () => {
    for (const [input, asOf] of [
      [late, '2022-07-31'],
      [early, '2021-06-30'],
    ] as const) {
      for (const unit of ['NL', 'GM0363', 'GM0599', 'GM0060', 'sector:po', 'sector:vo', 'sector:vso', 'province:PV27', 'province:PV21']) {
        const members = world.filter((s) =>
          unit === 'NL'
            ? true
            : unit.startsWith('sector:')
              ? groupOf(s.sector) === unit.slice(7)
              : unit === 'province:PV27'
                ? s.gemeente === 'GM0363'
                : unit === 'province:PV21'
                  ? ['GM0088', 'GM0060'].includes(s.gemeente)
                  : unit === 'province:PV28'
                    ? s.gemeente === 'GM0599'
                    : s.gemeente === unit,
        );
        const id = (m: string) => cellId(Y, unit, m);
        const label = `${unit} as of ${asOf}`;
        for (const code of ['B3', 'C1', 'E2', 'A3', 'D1']) {
          const choosers = members.filter((s) => activeCodes(s, asOf).includes(code));
          expect(valueIn(input, id(measure.interventionCount(code))), `${label} ${code}`).toBe(choosers.length);
          const cents = choosers.reduce((a, s) => a + (s.choices.find(([c]) => c === code)?.[1] ?? 0), 0);
          expect(valueIn(input, id(measure.interventionAmount(code))), `${label} ${code} budget`).toBe(cents);
        }
        const withPlan = members.filter((s) => activeCodes(s, asOf).length > 0);
        expect(valueIn(input, id(measure.plan)), `${label} plan`).toBe(withPlan.length);
        // Category B holds only B3 here; category C only C1.
        expect(valueIn(input, id(measure.categoryCount('B'))), `${label} B`).toBe(members.filter((s) => activeCodes(s, asOf).includes('B3')).length);
        // Consent holds while no withdrawal has changed the plan since.
        const approved = withPlan.filter((s) => s.approvedOn !== null && s.approvedOn <= asOf && !(s.withdrawn !== null && asOf >= '2021-09-15'));
        expect(valueIn(input, id(measure.approved)), `${label} approved`).toBe(approved.length);
        // Consent by the deadline is a subset of consent now: a withdrawal after it undoes both.
        const inTime = approved.filter((s) => s.approvedOn! <= '2021-07-10');
        expect(valueIn(input, id(measure.approvedInTime)), `${label} in time`).toBe(inTime.length);
        const funds = asOf >= '2021-08-15' ? members.reduce((a, s) => a + s.fundsCents, 0) : 0;
        expect(valueIn(input, id(measure.funds)), `${label} funds`).toBe(funds);
        const scanned = members.filter((s) => s.rekenen !== null);
        expect(valueIn(input, id(measure.scanned)), `${label} scanned`).toBe(scanned.length);
        expect(valueIn(input, id(measure.scanLevel('rekenen', 'severe'))), `${label} severe`).toBe(scanned.filter((s) => s.rekenen === 'severe').length);
      }
    }
  });

  it('publishes only true values, suppresses tiny gemeenten, and derives shares from published counts', async () => {
    const cells = protectedLate.published.cells;
    const truth = new Map(late.release.tables.flatMap((t) => t.cells.map((c) => [c.id, c.value] as const)));
    let published = 0;
    for (const [id, v] of Object.entries(cells)) {
      if (v.value === null) expect(v.reason, id).toBe('suppressed');
      else {
        expect(v.value, id).toBe(truth.get(id));
        published++;
      }
    }
    expect(published).toBeGreaterThan(50);
    // Schiermonnikoog has one school: nothing about it can be published.
    const schier = Object.entries(cells).filter(([id]) => id.startsWith(`${Y}|GM0088|`));
    expect(schier.length).toBeGreaterThan(0);
    expect(schier.every(([, v]) => v.value === null)).toBe(true);

    const doc = gemeenteReport(protectedLate.published, 'GM0363', Y, null);
    const interventions = doc.tables.find((t) => t.id === 'interventies');
    const b3 = interventions?.rows.find((r) => r.key === 'B3');
    const ams = world.filter((s) => s.gemeente === 'GM0363');
    const b3n = ams.filter((s) => activeCodes(s, '2022-07-31').includes('B3')).length;
    const count = b3?.values['gemeente-scholen'] as ReportValue;
    const share = b3?.values['gemeente-aandeel'] as ReportValue;
    if (count.value === null) expect(share.value).toBeNull();
    else {
      expect(count.value).toBe(b3n);
      expect(share.value).toBeCloseTo(b3n / ams.length, 4);
    }
    // Every withheld count in the report withholds its share too (the population is public: a share is the count).
    let withheldShares = 0;
    for (const row of interventions?.rows ?? []) {
      if ((row.values['gemeente-scholen'] as ReportValue).value !== null) continue;
      expect(row.values['gemeente-aandeel'], row.key).toEqual({ value: null, suppressed: true, reason: 'suppressed' });
      withheldShares++;
    }
    expect(withheldShares).toBeGreaterThan(0);
    const national = b3?.values['nederland-scholen'] as ReportValue;
    expect(national.value).toBe(world.filter((s) => activeCodes(s, '2022-07-31').includes('B3')).length);
    const overview = doc.tables.find((t) => t.id === 'overzicht');
    expect((overview?.rows.find((r) => r.key === 'schools')?.values['gemeente-waarde'] as ReportValue).value).toBe(ams.length);
    // Amounts stand in a column of unit cents, counts in one of unit count (the CSV's `eenheid` follows).
    const fundsRow = overview?.rows.find((r) => r.key === 'gemeenteFunds');
    expect((fundsRow?.values['gemeente-bedrag'] as ReportValue).value).toBe(250_000_000);
    expect(fundsRow?.values['gemeente-waarde']).toBeNull();
    expect(overview?.rows.find((r) => r.key === 'budget')?.values['gemeente-waarde']).toBeNull();
    expect(Object.fromEntries((overview?.columns ?? []).map((c) => [c.id, c.unit]))).toMatchObject({ 'gemeente-waarde': 'count', 'gemeente-bedrag': 'cents', 'nederland-bedrag': 'cents' });
    // A gemeente that was allocated nothing that year shows 0, as the national sum beside it counts it.
    const other = gemeenteReport(protectedLate.published, 'GM0599', Y, null).tables.find((t) => t.id === 'overzicht');
    expect(other?.rows.find((r) => r.key === 'gemeenteFunds')?.values['gemeente-bedrag']).toEqual({ value: 0 });
  });

  it('says of which schools each overview share is, in JSON and CSV: consent of the schools with a plan beside consent of all', async () => {
    let compared = 0;
    let comparedOfPlans = 0;
    // The fixture's national plan count is withheld on both dates; the view's arithmetic is checked on every
    // true value too (as if nothing were withheld), so the share of the schools with a plan is compared.
    const everything = { ...protectedLate.published, cells: Object.fromEntries(late.release.tables.flatMap((t) => t.cells.map((c) => [c.id, { value: c.value }]))) };
    for (const [published, asOf] of [
      [protectedLate.published, '2022-07-31'],
      [(await protectReport(early)).published, '2021-06-30'],
      [everything, '2022-07-31'],
    ] as const) {
      const doc = gemeenteReport(published, 'GM0363', Y, { id: 'r', number: 3 });
      const overview = doc.tables.find((t) => t.id === 'overzicht');
      expect(Object.fromEntries((overview?.columns ?? []).map((c) => [c.id, c.label]))).toMatchObject({
        'gemeente-aandeel': 'Amsterdam: aandeel van alle scholen',
        'gemeente-aandeel-programma': 'Amsterdam: aandeel van de scholen met programma',
        'nederland-aandeel': 'Nederland: aandeel van alle scholen',
        'nederland-aandeel-programma': 'Nederland: aandeel van de scholen met programma',
      });
      // Every share column names its denominator.
      for (const column of overview?.columns ?? []) if (column.unit === 'share') expect(column.label, column.id).toMatch(/: aandeel van (alle scholen|de scholen met programma)$/);

      const row = (key: string) => overview?.rows.find((r) => r.key === key)?.values ?? {};
      const value = (key: string, column: string) => (row(key)[column] as ReportValue | null)?.value;
      for (const [prefix, members] of [
        ['nederland-', world],
        ['gemeente-', world.filter((s) => s.gemeente === 'GM0363')],
      ] as const) {
        const label = `${prefix} as of ${asOf}`;
        const withPlan = members.filter((s) => activeCodes(s, asOf).length > 0);
        const approved = withPlan.filter((s) => s.approvedOn !== null && s.approvedOn <= asOf && !(s.withdrawn !== null && asOf >= '2021-09-15'));
        const inTime = approved.filter((s) => s.approvedOn! <= '2021-07-10');
        const expected: Record<string, { all: number; ofPlans: number | null }> = {
          submitted: { all: members.filter((s) => s.rekenen !== null || s.choices.length > 0 || s.approvedOn !== null).length / members.length, ofPlans: null },
          plan: { all: withPlan.length / members.length, ofPlans: null },
          scanned: { all: members.filter((s) => s.rekenen !== null).length / members.length, ofPlans: null },
          approved: { all: approved.length / members.length, ofPlans: approved.length / withPlan.length },
          approvedInTime: { all: inTime.length / members.length, ofPlans: inTime.length / withPlan.length },
        };
        for (const [key, { all, ofPlans }] of Object.entries(expected)) {
          if (ofPlans === null) expect(row(key)[`${prefix}aandeel-programma`], `${label} ${key}`).toBeNull();
          if (value(key, `${prefix}waarde`) === null) continue;
          compared++;
          expect(value(key, `${prefix}aandeel`), `${label} ${key} of all schools`).toBeCloseTo(all, 4);
          if (ofPlans === null || value('plan', `${prefix}waarde`) === null) continue;
          comparedOfPlans++;
          expect(value(key, `${prefix}aandeel-programma`), `${label} ${key} of the schools with a plan`).toBeCloseTo(ofPlans, 4);
        }
        // Nothing to share out: the school count and the amounts.
        for (const key of ['schools', 'budget', 'funds', 'gemeenteFunds']) {
          expect(row(key)[`${prefix}aandeel`], `${label} ${key}`).toBeNull();
          expect(row(key)[`${prefix}aandeel-programma`], `${label} ${key}`).toBeNull();
        }
      }

      // The CSV line of a share carries its denominator in the column description.
      const lines = reportToCsv(doc).trim().split('\r\n').slice(1).map((l) => l.split(';'));
      const csvValue = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v).replace('.', ','));
      const consent = lines.filter((c) => c[4] === 'overzicht' && c[6] === 'approved' && c[8]?.startsWith('nederland-aandeel'));
      expect(consent.map((c) => [c[8], c[9], c[11]])).toEqual([
        ['nederland-aandeel', 'Nederland: aandeel van alle scholen', csvValue(value('approved', 'nederland-aandeel'))],
        ['nederland-aandeel-programma', 'Nederland: aandeel van de scholen met programma', csvValue(value('approved', 'nederland-aandeel-programma'))],
      ]);
    }
    // Enough figures are published for the comparisons above not to be vacuous.
    expect(compared).toBeGreaterThanOrEqual(16);
    expect(comparedOfPlans).toBeGreaterThanOrEqual(4);
  });

  it('computes an ad-hoc view from its own tables only, with the figures and relations of the whole report', async () => {
    const cellsOf = (input: ReportInput) => new Map(input.release.tables.flatMap((t) => t.cells.map((c) => [c.id, c] as const)));
    const relationKeys = (input: ReportInput) => new Set([...(input.release.relations ?? []), ...input.release.tables.flatMap((t) => t.relations)].map((r) => JSON.stringify(r)));
    const whole = cellsOf(late);
    const wholeRelations = relationKeys(late);
    const unitsIn = (input: ReportInput) => [...new Set(input.release.tables.map((t) => t.id))].sort();

    const national = await reportInputAsOf(db, '2022-07-31', 'view-nl', { view: 'national' });
    const gemeente = await reportInputAsOf(db, '2022-07-31', 'view-gm', { view: 'gemeente', gemeente: 'GM0363', schoolYear: Y });
    const evidence = await reportInputAsOf(db, '2022-07-31', 'view-ev', { view: 'evidence' });
    const breakdowns = late.release.tables.map((t) => t.id).filter((id) => /\|(sector|band|province):/.test(id));
    expect(breakdowns.length).toBeGreaterThan(3);
    expect(unitsIn(national)).toEqual([`${Y}|NL`, ...breakdowns].sort());
    expect(unitsIn(gemeente)).toEqual([`${Y}|GM0363`, `${Y}|NL`, `${Y}|rest:GM0363`]);
    expect(unitsIn(evidence)).toEqual([`${Y}|NL`, 'evidence|NL']);
    expect(evidence.statistics).toEqual(late.statistics);

    // The gemeente view's rest of the nation: every count is the nation's minus the gemeente's.
    const restCells = [...cellsOf(gemeente)].filter(([id]) => id.includes('|rest:'));
    expect(restCells.length).toBe([...cellsOf(gemeente)].filter(([id]) => id.includes('|GM0363|')).length);
    for (const [id, cell] of restCells) {
      expect(cell.value, id).toBe((whole.get(id.replace('rest:GM0363', 'NL'))?.value ?? NaN) - (whole.get(id.replace('rest:GM0363', 'GM0363'))?.value ?? NaN));
    }
    for (const view of [national, gemeente, evidence]) {
      for (const [id, cell] of cellsOf(view)) if (!id.includes('|rest:')) expect(cell, id).toEqual(whole.get(id));
      for (const r of relationKeys(view)) if (!r.includes('|rest:')) expect(wholeRelations.has(r), r).toBe(true);
      // No relation may name a cell the view does not hold: it would tie the view to figures it does not show.
      const ids = cellsOf(view);
      for (const r of view.release.relations ?? []) for (const id of r.kind === 'linear' ? r.terms.map((t) => t.cell) : r.kind === 'presence' ? [r.count, r.amount] : [r.total, ...r.parts]) expect(ids.has(id), id).toBe(true);
    }
    // The breakdowns partition the nation inside the national view; gemeenten do not appear in it.
    expect((national.release.relations ?? []).some((r) => r.kind === 'sum' && r.total === cellId(Y, 'NL', measure.plan) && r.parts.some((p) => p.includes('sector:')))).toBe(true);
    expect([...cellsOf(national).keys()].some((id) => id.includes('|GM'))).toBe(false);
    // Every budget beside the count of the same schools (each choice has a budget above 0): a presence link.
    const linked = new Map(national.release.tables.flatMap((t) => t.relations ?? []).flatMap((r) => (r.kind === 'presence' ? [[r.amount, r.count] as const] : [])));
    const partnerOf = (eur: string): string => (eur.endsWith(`|${measure.budget}`) ? eur.replace(measure.budget, measure.plan) : eur.replace(/:eur$/, ':n'));
    const budgets = [...cellsOf(national).keys()].filter((id) => /\|(int|cat):.+:eur$|\|budget:eur$/.test(id));
    expect(budgets.length).toBeGreaterThan(0);
    for (const eur of budgets) expect(linked.get(eur), eur).toBe(partnerOf(eur));
    expect(national.basis.years[Y]?.units.some((u) => u.kind === 'gemeente')).toBe(false);

    // Protected on its own, the view passes its audit and publishes true values only.
    const view = await protectReport(national);
    expect(view.published.disclosure.audit.ok).toBe(true);
    for (const [id, published] of Object.entries(view.published.cells)) if (published.value !== null) expect(published.value, id).toBe(whole.get(id)?.value);

    // A year without data: no table, so the view answers "not found" rather than an empty report.
    const none = await reportInputAsOf(db, '2022-07-31', 'view-none', { view: 'gemeente', gemeente: 'GM0363', schoolYear: '2030-2031' });
    expect(none.release.tables).toEqual([]);
    expect(() => gemeenteReport(protectedLate.published, 'GM0363', '2030-2031', null)).toThrow();
  });

  it('protects an ad-hoc view by itself: small units withheld, no withheld cell recomputable from the view', async () => {
    const minFrequency = 5;
    const views = [
      await reportInputAsOf(db, '2022-07-31', 'attack-nl', { view: 'national' }),
      await reportInputAsOf(db, '2022-07-31', 'attack-ams', { view: 'gemeente', gemeente: 'GM0363' }),
      await reportInputAsOf(db, '2022-07-31', 'attack-small', { view: 'gemeente', gemeente: 'GM0060' }),
    ];
    for (const input of views) {
      const cells = (await protectReport(input)).published.cells;
      const population = new Map(input.release.tables.flatMap((t) => t.cells.map((c) => [c.id, c.kind === 'count' ? c.population : undefined] as const)));
      for (const [id, v] of Object.entries(cells)) {
        const pop = population.get(id);
        if (v.value === null || pop === undefined) continue;
        // Threshold: a published count is 0 or at least minFrequency schools; all-or-nothing in a unit of 1-19 schools.
        expect(v.value === 0 || v.value >= minFrequency, id).toBe(true);
        if (pop < 20) expect(v.value !== 0 && v.value !== pop, id).toBe(true);
      }
      // Differencing inside the view: a sum with exactly one withheld member gives that member away.
      for (const r of [...(input.release.relations ?? []), ...input.release.tables.flatMap((t) => t.relations ?? [])]) {
        if (r.kind !== 'sum') continue;
        const withheld = [r.total, ...r.parts].filter((id) => cells[id]?.value === null);
        expect(withheld.length, `${input.release.releaseId} ${r.total}`).not.toBe(1);
      }
    }
    // The nation beside a gemeente bounds it: G lies in [NL - schools outside G, min(NL, schools in G)]. For a
    // withheld gemeente count beside a published national one, that interval must not be a single value.
    for (const [input, code] of [[views[1]!, 'GM0363'], [views[2]!, 'GM0060']] as const) {
      const cells = (await protectReport(input)).published.cells;
      const populations = new Map(input.release.tables.flatMap((t) => t.cells.map((c) => [c.id, c.kind === 'count' ? c.population : undefined] as const)));
      let bounded = 0;
      for (const [id, v] of Object.entries(cells)) {
        if (!id.startsWith(`${Y}|${code}|`) || v.value !== null || id.endsWith(':eur')) continue;
        const nl = cells[id.replace(`|${code}|`, '|NL|')]?.value;
        const inside = populations.get(id);
        const nation = populations.get(id.replace(`|${code}|`, '|NL|'));
        if (nl === null || nl === undefined || inside === undefined || nation === undefined) continue;
        bounded++;
        expect(Math.min(nl, inside) - Math.max(0, nl - (nation - inside)), `${id} beside NL ${nl}`).toBeGreaterThan(0);
      }
      expect(bounded, code).toBeGreaterThan(0);
    }
    // Ameland (3 schools in the fixture): every count is 0, 1-2 or all three, so none of them is shown.
    const small = (await protectReport(views[2]!)).published.cells;
    const smallCounts = Object.entries(small).filter(([id]) => id.startsWith(`${Y}|GM0060|`) && !id.endsWith(':eur'));
    expect(smallCounts.length).toBeGreaterThan(10);
    for (const [id, v] of smallCounts) expect(v.value, id).toBeNull();
  });

  it('breaks the national report down by sector, band and province and shows the trend', () => {
    const doc = nationalReport(protectedLate.published, Y, { id: 'test-late', number: 1 });
    expect(doc.tables.map((t) => t.id)).toEqual(['overzicht', 'interventies', 'scan', 'naar-sector', 'naar-achterstand', 'naar-provincie', 'trend']);
    const sectors = doc.tables.find((t) => t.id === 'naar-sector');
    for (const row of sectors?.rows ?? []) {
      expect((row.values['scholen'] as ReportValue).value).toBe(world.filter((s) => groupOf(s.sector) === row.key).length);
    }
    const provinces = doc.tables.find((t) => t.id === 'naar-provincie');
    expect(provinces?.rows.map((r) => r.label)).toEqual(['Fryslân', 'Noord-Holland', 'Zuid-Holland']);
    const trend = doc.tables.find((t) => t.id === 'trend');
    expect(trend?.rows.map((r) => r.key)).toEqual([Y]);
    expect(() => nationalReport(protectedLate.published, '2024-2025', null)).toThrow(/no data for school year 2024-2025/);
    // The notes state the thresholds the release was protected with, not the defaults.
    expect(doc.notes.join(' ')).toContain('minder dan 5 scholen; 0 of alle scholen van een eenheid met minder dan 20 scholen');
    const { parameters } = protectedLate.published.disclosure;
    const stricter = { ...protectedLate.published, disclosure: { ...protectedLate.published.disclosure, parameters: { ...parameters, minFrequency: 7, allOrNothing: { ...parameters.allOrNothing, belowPopulation: 30 } } } };
    expect(nationalReport(stricter, Y, null).notes.join(' ')).toContain('minder dan 7 scholen; 0 of alle scholen van een eenheid met minder dan 30 scholen');
  });

  it('pools the measured B3 effects with DerSimonian-Laird and sets them beside the international figures', () => {
    const measured = world.filter((s) => s.measuredB3 !== null && activeCodes(s, '2022-07-31').includes('B3'));
    const studies = world.filter((s) => s.measuredB3 !== null).map((s) => s.measuredB3 as number);
    expect(studies.length).toBeGreaterThanOrEqual(5);
    expect(measured.length).toBeGreaterThan(0);
    // Independent DL with n = 60 pupils per school.
    const v = studies.map((g) => 4 / 60 + (g * g) / 120);
    const w = v.map((x) => 1 / x);
    const sw = w.reduce((a, b) => a + b, 0);
    const fixed = studies.reduce((a, g, i) => a + w[i]! * g, 0) / sw;
    const q = studies.reduce((a, g, i) => a + w[i]! * (g - fixed) ** 2, 0);
    const c = sw - w.reduce((a, x) => a + x * x, 0) / sw;
    const tau2 = Math.max(0, (q - (studies.length - 1)) / c);
    const ws = v.map((x) => 1 / (x + tau2));
    const est = studies.reduce((a, g, i) => a + ws[i]! * g, 0) / ws.reduce((a, b) => a + b, 0);

    const doc = evidenceReport(protectedLate.published, null);
    const row = doc.tables[0]?.rows.find((r) => r.key === 'B3');
    expect(row?.values['maanden']).toEqual({ value: 4 });
    expect((row?.values['gemeten'] as ReportValue).value).toBe(studies.length);
    expect((row?.values['effectgrootte'] as ReportValue).value).toBeCloseTo(est, 3);
    const lower = (row?.values['ci-onder'] as ReportValue).value ?? Number.NaN;
    const upper = (row?.values['ci-boven'] as ReportValue).value ?? Number.NaN;
    expect(lower).toBeLessThan(est);
    expect(upper).toBeGreaterThan(est);
    expect((row?.values['ervaren-effect'] as ReportValue).value).toBeGreaterThanOrEqual(4);
    // No evaluation of C2 exists: nothing is claimed about it.
    expect(doc.tables[0]?.rows.find((r) => r.key === 'C2')?.values['effectgrootte']).toBeNull();
    // An empty months cell is explained, with the convention's bands as the domain records them.
    expect(doc.notes.join(' ')).toContain('+1 maand = g 0,06-0,09 tot +8 maanden = g 0,62-0,69');
  });

  it('gives a value object without a number only to a withheld number; one that does not exist is null', () => {
    const evidence = evidenceReport(protectedLate.published, null);
    const docs = [
      nationalReport(protectedLate.published, Y, null),
      gemeenteReport(protectedLate.published, 'GM0363', Y, null),
      gemeenteReport(protectedLate.published, 'GM0060', Y, null),
      evidence,
      // Nothing withheld: every empty value there is a number that does not exist.
      evidenceReport({ ...protectedLate.published, cells: Object.fromEntries(late.release.tables.flatMap((t) => t.cells.map((c) => [c.id, { value: c.value }]))) }, null),
    ];
    let withheld = 0;
    for (const doc of docs) {
      for (const table of doc.tables) {
        for (const row of table.rows) {
          for (const [column, v] of Object.entries(row.values)) {
            if (v === null || typeof v === 'string' || typeof v.value === 'number') continue;
            expect(v, `${doc.report} ${table.id} ${row.key} ${column}`).toEqual({ value: null, suppressed: true, reason: 'suppressed' });
            withheld++;
          }
        }
      }
    }
    expect(withheld).toBeGreaterThan(0);
    // The EEF toolkit gives B4 no figures and B2 no cost: nothing is withheld there, there is no number.
    const row = (code: string) => evidence.tables[0]?.rows.find((r) => r.key === code)?.values ?? {};
    expect(row('B4')['maanden']).toBeNull();
    expect(row('B4')['bewijskracht']).toBeNull();
    expect(row('B2')['kosten']).toBeNull();
    expect(row('B2')['maanden']).toEqual({ value: 4 });
    expect(evidence.notes.join(' ')).toContain('zonder de status geheim');
  });

  it('renders CSV for a Dutch spreadsheet: BOM, semicolons, decimal comma, suppressed cells empty with a reason', () => {
    const doc = gemeenteReport(protectedLate.published, 'GM0060', Y, { id: 'r', number: 7 });
    const csv = reportToCsv(doc);
    expect(csv.startsWith('\uFEFFrapport;schooljaar;peildatum;release;')).toBe(true);
    const lines = csv.trim().split('\r\n');
    const cells = lines.slice(1).map((l) => l.split(';'));
    expect(cells.every((c) => c.length === 13)).toBe(true);
    const ameland = cells.filter((c) => c[4] === 'interventies' && c[8]?.startsWith('gemeente-') && c[10] === 'aantal');
    expect(ameland.length).toBeGreaterThan(0);
    expect(ameland.every((c) => c[11] === '' && c[12] === 'geheim')).toBe(true);
    const share = cells.find((c) => c[8] === 'nederland-aandeel' && c[11] !== '' && c[11] !== '0' && c[11] !== '1');
    expect(share?.[11]).toMatch(/^0,\d+$/);
    // Report and unit in Dutch, like the header and the labels (the JSON keeps its identifiers).
    expect(new Set(cells.map((c) => c[0]))).toEqual(new Set(['gemeente']));
    expect(new Set(cells.map((c) => c[10]))).toEqual(new Set(['aantal', 'eurocent', 'fractie']));
    expect(cells.find((c) => c[4] === 'overzicht' && c[8] === 'gemeente-bedrag' && c[6] === 'funds')?.[10]).toBe('eurocent');
    const national = reportToCsv(nationalReport(protectedLate.published, Y, null)).trim().split('\r\n').slice(1).map((l) => l.split(';'));
    expect(new Set(national.map((c) => c[0]))).toEqual(new Set(['landelijk']));
    const evidence = reportToCsv(evidenceReport(protectedLate.published, null)).trim().split('\r\n').slice(1).map((l) => l.split(';'));
    expect(new Set(evidence.map((c) => c[0]))).toEqual(new Set(['evidentie']));
    expect(new Set(evidence.map((c) => c[10]))).toEqual(new Set(['tekst', 'maanden', 'score', 'aantal', 'fractie', 'effectgrootte']));
  });
});
