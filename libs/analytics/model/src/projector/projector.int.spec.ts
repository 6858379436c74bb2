import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSteps, ev, school, type Step } from '../testing/events.js';
import { tempDir } from '../testing/temp-dir.js';
import { AnalyticsDatabase } from '../db/analytics-database.js';
import { storeEventFeed } from '../feed/store-event-feed.js';
import { runProjector } from './projector.js';

const Y1 = '2021-2022';

// Every event type, an upcast, a re-choice after a withdrawal, a gemeente merger, replaced scans and
// evaluations — then seven events that must be quarantined, then one more valid event.
const valid: Step[] = [
  ev.registered(school('16SW', 'GM0363', { pupils: 200, achterstandsscore: 30 }), '2021-03-01'),
  ev.registered(school('20WE', 'GM0457', { sector: 'vo', pupils: 600, achterstandsscore: 0, name: 'Vechtstreek College' }), '2021-03-01'),
  ev.scan('16SW', Y1, '2021-04-20'),
  ev.chosen('16SW', Y1, 'B3', 900_000, '2021-05-12'),
  ev.chosenV1('16SW', Y1, 'A3', 500_000, '2021-05-13'),
  ev.chosen('20WE', Y1, 'C2', 250_000, '2021-05-20'),
  ev.mr('20WE', Y1, 'rejected', 1, '2021-06-01'),
  ev.scan('16SW', Y1, '2021-06-01', { rekenen: 'severe' }),
  ev.mr('16SW', Y1, 'approved', 2, '2021-06-30'),
  ev.gemeenteFunds('GM0363', Y1, 100_000_000, '2021-08-01'),
  ev.funds('16SW', Y1, 14_023_200, '2021-08-15'),
  ev.withdrawn('16SW', Y1, 'A3', '2021-09-01'),
  ev.chosen('16SW', Y1, 'A3', 400_000, '2022-01-10'),
  ev.detailsChanged(school('20WE', 'GM0363', { sector: 'vo', pupils: 610, achterstandsscore: 0, name: 'Vechtstreek College' }), '2022-03-24T00:00:00.000+01:00'),
  ev.evaluated('16SW', Y1, 'B3', '2022-06-15', { measured: { effectSize: 0.3, pupils: 50 } }),
  ev.evaluated('16SW', Y1, 'B3', '2022-07-01', { experiencedEffect: 5, implementedAsPlanned: 'partly', measured: { effectSize: 0.25, pupils: 48 } }),
];
const broken: { step: Step; reason: RegExp }[] = [
  { step: ev.raw('school-16SW', 'npo.Unknown', { brin: '16SW' }, '2022-07-02'), reason: /unknown event type/ },
  { step: ev.funds('16SW', Y1, 0, '2022-07-02'), reason: /invalid data: amountCents/ },
  { step: { ...ev.scan('16SW', Y1, '2022-07-02'), schemaVersion: 2 }, reason: /newer than this reader/ },
  { step: { ...ev.chosen('16SW', Y1, 'B1', 1000, '2022-07-02'), streamId: 'school-20WE' }, reason: /does not belong to school 16SW/ },
  { step: ev.chosen('16SW', Y1, 'A9', 1000, '2022-07-02'), reason: /menukaart code A9 does not exist/ },
  { step: ev.withdrawn('20WE', Y1, 'B1', '2022-07-02'), reason: /no active choice to withdraw/ },
  { step: ev.mr('20WE', Y1, 'approved', 3_000_000_000, '2022-07-02'), reason: /plan version 3000000000 is beyond what the analytics model holds/ },
];
const after: Step[] = [ev.funds('20WE', Y1, 42_000_000, '2022-07-03')];

const rows = async (conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> =>
  (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];

describe('projector over a real SQLite store into a real DuckDB file', () => {
  const dir = tempDir('analytics-projector');
  let store: EventStore;
  let db: AnalyticsDatabase;
  let conn: DuckDBConnection;
  let release: () => void;

  beforeAll(async () => {
    store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(store, [...valid, ...broken.map((b) => b.step), ...after]);
    db = await AnalyticsDatabase.open({ dir: join(dir.path, 'analytics') });
    const lease = await db.lease();
    conn = lease.conn;
    const feed = storeEventFeed(store);
    // Small batches so that facts and the intervals that close them land in different transactions.
    const summary = await runProjector(conn, { feed, until: await feed.head(), maxBatchSize: 4 });
    expect(summary.applied + summary.quarantined).toBe(valid.length + broken.length + after.length);
    release = () => lease.release();
  });
  afterAll(async () => {
    release();
    await db.close();
    await store.close();
    dir.remove();
  });

  it('logs every stored event exactly once and checkpoints the head', async () => {
    const log = await store.readAll();
    const projected = await rows(conn, 'SELECT event_id::VARCHAR AS id, global_position AS gp FROM projected_event ORDER BY global_position');
    expect(projected.map((r) => r['id'])).toEqual(log.map((e) => e.id));
    const [cp] = await rows(conn, `SELECT feed_offset FROM feed_checkpoint WHERE feed = 'store'`);
    expect(Number(cp?.['feed_offset'])).toBe(log.at(-1)?.globalPosition);
  });

  it('quarantines what it cannot apply, with the reason, and carries on', async () => {
    const q = await rows(conn, 'SELECT type, reason FROM quarantine ORDER BY global_position');
    expect(q).toHaveLength(broken.length);
    broken.forEach((b, i) => expect(q[i]?.['reason']).toMatch(b.reason));
    const outcomes = await rows(conn, `SELECT outcome, count(*)::INTEGER AS n FROM projected_event GROUP BY outcome ORDER BY outcome`);
    expect(outcomes).toEqual([
      { outcome: 'projected', n: valid.length + after.length },
      { outcome: 'quarantined', n: broken.length },
    ]);
    // The event after the quarantined ones was applied.
    expect(await rows(conn, `SELECT brin, amount_cents::INTEGER AS c FROM school_allocation WHERE brin = '20WE'`)).toEqual([{ brin: '20WE', c: 42_000_000 }]);
  });

  it('keeps school details as versions with validity intervals (the Weesp merger)', async () => {
    const versions = await rows(
      conn,
      `SELECT brin, gemeente, sector_group, achterstand_band AS band, valid_from::VARCHAR AS f, valid_to::VARCHAR AS t
       FROM school_version ORDER BY brin, global_position`,
    );
    expect(versions).toEqual([
      { brin: '16SW', gemeente: 'GM0363', sector_group: 'po', band: 'gemiddeld', f: '2021-03-01 10:00:00+00', t: null },
      { brin: '20WE', gemeente: 'GM0457', sector_group: 'vo', band: 'geen', f: '2021-03-01 10:00:00+00', t: '2022-03-23 23:00:00+00' },
      { brin: '20WE', gemeente: 'GM0363', sector_group: 'vo', band: 'geen', f: '2022-03-23 23:00:00+00', t: null },
    ]);
  });

  it('projects choices as intervals: upcast v1, withdrawn, chosen again', async () => {
    const choices = await rows(
      conn,
      `SELECT brin, code, category, string_split(target_domains, ',') AS d, planned_budget_cents::INTEGER AS c, valid_from::DATE::VARCHAR AS f,
              valid_to::DATE::VARCHAR AS t, withdrawal_event_id IS NOT NULL AS w
       FROM choice ORDER BY global_position`,
    );
    expect(choices).toEqual([
      { brin: '16SW', code: 'B3', category: 'B', d: ['rekenen', 'lezen'], c: 900_000, f: '2021-05-12', t: null, w: false },
      { brin: '16SW', code: 'A3', category: 'A', d: ['taal'], c: 500_000, f: '2021-05-13', t: '2021-09-01', w: true },
      { brin: '20WE', code: 'C2', category: 'C', d: ['rekenen', 'lezen'], c: 250_000, f: '2021-05-20', t: null, w: false },
      { brin: '16SW', code: 'A3', category: 'A', d: ['rekenen', 'lezen'], c: 400_000, f: '2022-01-10', t: null, w: false },
    ]);
  });

  it('replaces scans, decisions and evaluations by closing the older row', async () => {
    const scans = await rows(conn, `SELECT rekenen, valid_from::DATE::VARCHAR AS f, valid_to::DATE::VARCHAR AS t FROM scan ORDER BY global_position`);
    expect(scans).toEqual([
      { rekenen: 'mild', f: '2021-04-20', t: '2021-06-01' },
      { rekenen: 'severe', f: '2021-06-01', t: null },
    ]);
    const evaluations = await rows(
      conn,
      `SELECT experienced_effect AS e, implemented_as_planned AS i, effect_size AS g, effect_pupils AS n, valid_to IS NULL AS open
       FROM evaluation ORDER BY global_position`,
    );
    expect(evaluations).toEqual([
      { e: 4, i: 'yes', g: 0.3, n: 50, open: false },
      { e: 5, i: 'partly', g: 0.25, n: 48, open: true },
    ]);
    const decisions = await rows(conn, `SELECT brin, decision, plan_version AS v, decided_on::VARCHAR AS d FROM mr_decision ORDER BY global_position`);
    expect(decisions).toEqual([
      { brin: '20WE', decision: 'rejected', v: 1, d: '2021-06-01' },
      { brin: '16SW', decision: 'approved', v: 2, d: '2021-06-30' },
    ]);
    expect(await rows(conn, `SELECT gemeente, amount_cents::BIGINT::VARCHAR AS c FROM gemeente_allocation`)).toEqual([
      { gemeente: 'GM0363', c: '100000000' },
    ]);
  });

  it('answers as-of questions through the macros', async () => {
    const activeOn = async (date: string) =>
      rows(conn, `SELECT brin, code FROM choice_at(as_of_cutoff(DATE '${date}')) ORDER BY brin, code`);
    expect(await activeOn('2021-05-12')).toEqual([{ brin: '16SW', code: 'B3' }]);
    expect(await activeOn('2021-08-31')).toEqual([
      { brin: '16SW', code: 'A3' },
      { brin: '16SW', code: 'B3' },
      { brin: '20WE', code: 'C2' },
    ]);
    expect(await activeOn('2021-09-01')).toEqual([
      { brin: '16SW', code: 'B3' },
      { brin: '20WE', code: 'C2' },
    ]);
    const gemeenteOn = async (date: string) =>
      rows(conn, `SELECT gemeente FROM school_at(as_of_cutoff(DATE '${date}')) WHERE brin = '20WE'`);
    // The merger took effect at midnight Dutch time on 24 March 2022.
    expect(await gemeenteOn('2022-03-23')).toEqual([{ gemeente: 'GM0457' }]);
    expect(await gemeenteOn('2022-03-24')).toEqual([{ gemeente: 'GM0363' }]);
    expect(await gemeenteOn('2021-02-28')).toEqual([]);
    const planVersionOn = async (date: string) =>
      rows(conn, `SELECT plan_version::INTEGER AS v FROM plan_version_at(as_of_cutoff(DATE '${date}')) WHERE brin = '16SW'`);
    expect(await planVersionOn('2021-06-30')).toEqual([{ v: 2 }]);
    expect(await planVersionOn('2022-02-01')).toEqual([{ v: 4 }]);
  });
});

describe('a projector that starts on a file holding open intervals', () => {
  const dir = tempDir('analytics-projector-resume');
  let store: EventStore;
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  // A new run loads the open rows from the file; the rows it ends must be the ones one run would end.
  it('ends the rows of an earlier run exactly as a projector that ran throughout', async () => {
    store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    await appendSteps(store, [...valid, ...broken.map((b) => b.step), ...after]);
    const feed = storeEventFeed(store);
    const log = await store.readAll();
    const head = await feed.head();
    const intervalRows = async (conn: DuckDBConnection): Promise<Record<string, unknown>> => {
      const out: Record<string, unknown> = {};
      for (const table of ['school_version', 'scan', 'choice', 'mr_decision', 'evaluation']) out[table] = await rows(conn, `SELECT * FROM ${table} ORDER BY global_position`);
      return out;
    };
    const project = async (name: string, stops: readonly number[]): Promise<Record<string, unknown>> => {
      const db = await AnalyticsDatabase.open({ dir: join(dir.path, name) });
      try {
        return await db.read(async (conn) => {
          for (const stop of stops) await runProjector(conn, { feed, until: new Map([[0, log[stop]!.globalPosition]]), maxBatchSize: 3 });
          await runProjector(conn, { feed, until: head, maxBatchSize: 3 });
          return intervalRows(conn);
        });
      } finally {
        await db.close();
      }
    };
    const throughout = await project('throughout', []);
    const ended = Object.values(throughout).flatMap((r) => r as { valid_to: unknown }[]).filter((r) => r.valid_to !== null);
    // The replaced scan, the withdrawn A3, 20WE before the merger, the first evaluation of B3.
    expect(ended.length).toBe(4);
    // Stops before the replaced scan, the withdrawal, the merger and the second evaluation.
    expect(await project('stopped', [2, 7, 11, 13, 14])).toEqual(throughout);
  });
});
