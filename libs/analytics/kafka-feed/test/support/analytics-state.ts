import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@npo/contracts';
import { AnalyticsDatabase, runProjector, storeEventFeed, type EventFeed, type ProjectionSummary } from '@npo/analytics-model';
import type { EventStore } from '@npo/event-store';
import { expect } from 'vitest';

const factTables = ['school_version', 'scan', 'choice', 'mr_decision', 'school_allocation', 'gemeente_allocation', 'evaluation'] as const;

const checksum = (rows: readonly (readonly unknown[])[]): string => {
  const h = createHash('sha256');
  for (const row of rows) h.update(`${row.map((v) => (v === null ? '\u2205' : String(v))).join('|')}\n`);
  return h.digest('hex');
};

/** What "DuckDB equals the store" is checked on: the applied-event log and every fact table. */
export interface AnalyticsState {
  /** Rows of projected_event, and how many distinct event ids they hold (equal: no duplicate). */
  readonly events: number;
  readonly distinctEvents: number;
  /** Checksum of (event id, global position, stream, stream position, type) in global order. */
  readonly logChecksum: string;
  readonly quarantined: number;
  /** Rows and checksum per fact table, all columns, in a canonical order. */
  readonly facts: Readonly<Record<string, { readonly rows: number; readonly checksum: string }>>;
  /** Per stream, the applied positions are 0..n-1 in global order: nothing skipped, nothing out of order. */
  readonly streamsInOrder: boolean;
  readonly checkpoint: ReadonlyMap<number, number>;
}

export async function analyticsState(dir: string, feed: string): Promise<AnalyticsState> {
  const db = await AnalyticsDatabase.open({ dir });
  try {
    return await db.read(async (conn) => {
      const rows = async (sql: string): Promise<unknown[][]> => (await conn.runAndReadAll(sql)).getRows() as unknown[][];
      const log = await rows(`SELECT event_id::VARCHAR, global_position, stream_id, stream_position, type FROM projected_event WHERE outcome = 'projected' ORDER BY global_position`);
      const [[events, distinct]] = (await rows('SELECT count(*), count(DISTINCT event_id) FROM projected_event')) as [[bigint, bigint]];
      const [[quarantined]] = (await rows('SELECT count(*) FROM quarantine')) as [[bigint]];
      const facts: Record<string, { rows: number; checksum: string }> = {};
      for (const table of factTables) {
        const content = await rows(`SELECT * FROM ${table} ORDER BY ALL`);
        facts[table] = { rows: content.length, checksum: checksum(content) };
      }
      const next = new Map<string, number>();
      let streamsInOrder = true;
      for (const [, , stream, position] of log) {
        const expected = next.get(String(stream)) ?? 0;
        if (Number(position) !== expected) streamsInOrder = false;
        next.set(String(stream), Number(position) + 1);
      }
      const checkpoint = new Map(
        (await rows(`SELECT feed_partition, feed_offset FROM feed_checkpoint WHERE feed = '${feed}' ORDER BY 1`)).map(([p, o]) => [Number(p), Number(o)] as const),
      );
      return {
        events: Number(events),
        distinctEvents: Number(distinct),
        logChecksum: checksum(log.map(([id, gp, stream, position, type]) => [id, gp, stream, position, type])),
        quarantined: Number(quarantined),
        facts,
        streamsInOrder,
        checkpoint,
      };
    });
  } finally {
    await db.close();
  }
}

/** The same checksum over the store's own log. */
export function storeLogChecksum(events: readonly RecordedEvent[]): string {
  return checksum([...events].sort((a, b) => a.globalPosition - b.globalPosition).map((e) => [e.id, e.globalPosition, e.streamId, e.streamPosition, e.type]));
}

/** Projects the store straight into `dir` (embedded mode): the reference a Kafka-fed database must equal. */
export async function projectFromStore(store: EventStore, dir: string): Promise<AnalyticsState> {
  await projectInto(dir, storeEventFeed(store), await storeEventFeed(store).head());
  return analyticsState(dir, 'store');
}

/** Runs the projector on `feed` into `dir` until `until` is reached. */
export async function projectInto(dir: string, feed: EventFeed, until: ReadonlyMap<number, number>): Promise<ProjectionSummary> {
  const db = await AnalyticsDatabase.open({ dir });
  const lease = await db.lease();
  try {
    return await runProjector(lease.conn, { feed, until });
  } finally {
    lease.release();
    await db.close();
  }
}

/**
 * DuckDB equals the store: every stored event applied once (count, distinct ids, log checksum), none
 * quarantined, each stream in order, and the facts equal to the embedded-mode projection of the store
 * (made in `referenceDir`). Returns the state for further checks.
 */
export async function expectEqualToStore(dir: string, feed: string, store: EventStore, referenceDir: string): Promise<AnalyticsState> {
  const all = await store.readAll();
  const state = await analyticsState(dir, feed);
  expect(state.events).toBe(all.length);
  expect(state.distinctEvents).toBe(all.length);
  expect(state.logChecksum).toBe(storeLogChecksum(all));
  expect(state.quarantined).toBe(0);
  // Per school, the positions were applied 0, 1, 2, ... — an event arriving before its predecessor
  // would have been dropped as already seen, and the count above would be short.
  expect(state.streamsInOrder).toBe(true);
  expect(state.facts).toEqual((await projectFromStore(store, referenceDir)).facts);
  return state;
}
