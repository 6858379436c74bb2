import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSteps, ev, school, type Step } from '../testing/events.js';
import { brinFor, generateHistory } from '../testing/history.js';
import { redeliveringFeed } from '../testing/redelivering-feed.js';
import { tempDir } from '../testing/temp-dir.js';
import { AnalyticsDatabase } from '../db/analytics-database.js';
import { generationFileName, readPointer } from '../db/generation-files.js';
import { storeEventFeed } from '../feed/store-event-feed.js';
import { LiveProjection } from '../projector/live-projection.js';
import { runProjector } from '../projector/projector.js';
import { rebuildAnalytics } from './rebuild.js';

// Bookkeeping columns that record when the projector ran, not what happened: they differ by design.
const compared: Record<string, string> = {
  school_version: 'SELECT * FROM school_version ORDER BY global_position',
  scan: 'SELECT * FROM scan ORDER BY global_position',
  choice: 'SELECT * FROM choice ORDER BY global_position',
  mr_decision: 'SELECT * FROM mr_decision ORDER BY global_position',
  school_allocation: 'SELECT * FROM school_allocation ORDER BY global_position',
  gemeente_allocation: 'SELECT * FROM gemeente_allocation ORDER BY global_position',
  evaluation: 'SELECT * FROM evaluation ORDER BY global_position',
  projected_event: 'SELECT * FROM projected_event ORDER BY global_position',
  quarantine: 'SELECT * EXCLUDE (quarantined_at) FROM quarantine ORDER BY global_position',
  stream_head: 'SELECT * FROM stream_head ORDER BY stream_id',
  feed_checkpoint: 'SELECT * EXCLUDE (updated_at) FROM feed_checkpoint ORDER BY feed, feed_partition',
};

async function snapshot(conn: DuckDBConnection): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [table, sql] of Object.entries(compared)) out[table] = (await conn.runAndReadAll(sql)).getRowObjectsJson();
  return out;
}

async function snapshotFile(path: string): Promise<Record<string, unknown>> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      return await snapshot(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Facts replaced after they were first stated: every interval table gets rows that end and rows that stay open. */
function revisions(brins: readonly string[]): Step[] {
  const year = '2021-2022';
  return brins.flatMap((brin, i) => [
    ev.scan(brin, year, '2021-09-20', { rekenen: 'mild' }),
    ev.chosen(brin, year, 'B3', 250_000, '2021-09-21'),
    ev.withdrawn(brin, year, 'B3', '2021-09-22'),
    ev.chosen(brin, year, 'B3', 300_000, '2021-09-23'),
    ev.mr(brin, year, 'rejected', 9, '2021-09-24'),
    ev.mr(brin, year, 'approved', 9, '2021-09-25'),
    ev.evaluated(brin, year, 'B3', '2022-06-20', { experiencedEffect: 3 }),
    ev.evaluated(brin, year, 'B3', '2022-06-21', { experiencedEffect: 5 }),
    ev.detailsChanged(school(brin, 'GM0363', { pupils: 400 + i }), '2022-04-01'),
  ]);
}

describe('rebuild', () => {
  const dir = tempDir('analytics-rebuild');
  const analyticsDir = join(dir.path, 'analytics');
  let store: EventStore;

  beforeAll(async () => {
    store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite'), pollIntervalMs: 20 });
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('replays into a new generation equal to the live one, swaps it in while a request is in flight, and the live projector carries on there', { timeout: 120_000 }, async () => {
    const db = await AnalyticsDatabase.open({ dir: analyticsDir });
    const feed = storeEventFeed(store);
    const live = new LiveProjection({ db, feed, maxBatchSize: 25 });
    live.start();
    // Events arrive while the live projector follows, in several waves (so it works in small batches).
    const history = [...generateHistory(60, 11), ...revisions([0, 1, 2, 3, 4].map(brinFor))];
    for (let i = 0; i < history.length; i += 97) await appendSteps(store, history.slice(i, i + 97));
    await live.caughtUp(await feed.head());
    expect(db.generation).toBe(1);

    // A request that started on generation 1 holds its connection across the swap.
    const inFlight = await db.lease();
    const progress: [number, number][] = [];
    const rebuilt = await rebuildAnalytics({ dir: analyticsDir, feed, maxBatchSize: 1000, onProgress: (done, total) => progress.push([done, total]) });
    expect(rebuilt.generation).toBe(2);
    expect((await readPointer(analyticsDir))?.generation).toBe(2);
    expect(progress.at(-1)?.[0]).toBe(progress.at(-1)?.[1]);

    expect(await db.refresh()).toBe(true);
    expect(db.generation).toBe(2);
    const onOld = (await inFlight.conn.runAndReadAll('SELECT count(*) FROM projected_event')).getRows()[0]?.[0];
    expect(Number(onOld)).toBe((await store.readAll()).length);
    const liveSnapshot = await snapshot(inFlight.conn);
    inFlight.release();

    // Rebuild equals live, table by table.
    expect(await db.read(snapshot)).toEqual(liveSnapshot);

    // A rebuild ends interval rows by one query at the end, the live projector event by event: the same
    // ends whatever the batches (7: nearly every end crosses a batch; 5,000: all in one batch) and
    // however many batches share a transaction.
    for (const table of ['school_version', 'scan', 'choice', 'mr_decision', 'evaluation']) {
      const rows = liveSnapshot[table] as { valid_to: string | null }[];
      expect(rows.filter((r) => r.valid_to !== null).length, `${table} has ended rows in the fixture`).toBeGreaterThan(0);
      expect(rows.filter((r) => r.valid_to === null).length, `${table} has open rows in the fixture`).toBeGreaterThan(0);
    }
    // closeChunk 1 and 13: the closing pass ends rows in many small transactions instead of one.
    for (const [maxBatchSize, commitEvery, closeChunk] of [[7, 1, 1], [7, 50, 13], [5_000, 5_000, undefined]] as const) {
      const other = await rebuildAnalytics({ dir: join(dir.path, `rebuild-${maxBatchSize}-${commitEvery}`), feed, maxBatchSize, commitEvery, ...(closeChunk === undefined ? {} : { closeChunk }) });
      expect(await snapshotFile(other.path), `rebuilt in batches of ${maxBatchSize}, committed every ${commitEvery}, closed ${closeChunk ?? 'by default'}`).toEqual(liveSnapshot);
    }

    // The live projector moved to generation 2 and applies what is appended after the swap.
    await appendSteps(store, [ev.registered(school('99ZZ', 'GM0088'), '2022-09-01'), ev.funds('99ZZ', '2022-2023', 123_400, '2022-09-02')]);
    await live.caughtUp(await feed.head());
    expect(live.status.generation).toBe(2);
    const late = await db.read(async (conn) => (await conn.runAndReadAll(`SELECT count(*) FROM school_allocation WHERE brin = '99ZZ'`)).getRows()[0]?.[0]);
    expect(Number(late)).toBe(1);
    await live.stop();
    await db.close();

    // Generation 1 is kept as the previous one; a second rebuild removes it.
    expect(existsSync(join(analyticsDir, generationFileName(1)))).toBe(true);
    const second = await rebuildAnalytics({ dir: analyticsDir, feed });
    expect(second.generation).toBe(3);
    expect(existsSync(join(analyticsDir, generationFileName(1)))).toBe(false);
    expect(existsSync(join(analyticsDir, generationFileName(2)))).toBe(true);
    const third = await snapshotFile(second.path);
    const liveNow = await snapshotFile(join(analyticsDir, generationFileName(2)));
    expect(third).toEqual(liveNow);
  });

  it('from an at-least-once feed with repeats and an impostor: equal to the live projection of it, wherever the transactions end', { timeout: 120_000 }, async () => {
    const other = await openSqliteEventStore({ path: join(dir.path, 'redelivered.sqlite') });
    await appendSteps(other, [...generateHistory(25, 7), ...revisions([0, 1].map(brinFor))]);
    const events = await other.readAll();
    await other.close();
    const { feed, partitions } = redeliveringFeed(events);
    // Another event at a position applied long before (its own id and global position): quarantined, as
    // the repeats before it are dropped, only after reading what the model holds there.
    const victim = events[3] as (typeof events)[number];
    const p0 = partitions.get(0) ?? [];
    const target = p0.some((e) => (e.payload as { streamId: string }).streamId === victim.streamId) ? p0 : (partitions.get(1) ?? []);
    const partition = target[0]?.partition ?? 0;
    target.push({ partition, offset: target.length, payload: { ...structuredClone(victim), id: '0b7f0a53-5a3c-4a7e-9a43-3c1f5e0d2b11', globalPosition: 1_000_000 } });

    const live = await AnalyticsDatabase.open({ dir: join(dir.path, 'redelivered-live') });
    const summary = await live.read((conn) => runProjector(conn, { feed, maxBatchSize: 9 }));
    expect(summary.duplicates).toBeGreaterThan(0);
    const expected = await live.read(snapshot);
    expect((expected['quarantine'] as { event_id: string }[]).map((q) => q.event_id)).toContain('0b7f0a53-5a3c-4a7e-9a43-3c1f5e0d2b11');
    await live.close();

    // commitEvery 1: a transaction per batch; 5,000: one for the whole feed.
    for (const [maxBatchSize, commitEvery] of [[9, 1], [9, 40], [5_000, 5_000]] as const) {
      const rebuilt = await rebuildAnalytics({ dir: join(dir.path, `redelivered-${maxBatchSize}-${commitEvery}`), feed, maxBatchSize, commitEvery });
      expect(rebuilt.projection).toMatchObject({ duplicates: summary.duplicates, quarantined: summary.quarantined, applied: summary.applied });
      expect(await snapshotFile(rebuilt.path), `batches of ${maxBatchSize}, committed every ${commitEvery}`).toEqual(expected);
    }
  });
});
