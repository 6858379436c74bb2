import type { DuckDBConnection } from '@duckdb/node-api';
import { toNullableNumber } from '../db/sql.js';
import { type Close, type IntervalTable, intervalTables, supersededTables } from './open-intervals.js';
import { RowBuffer } from './row-buffer.js';

/*
 * During a rebuild, ending rows of earlier batches by one UPDATE per batch costs a scan of the whole
 * table each time: quadratic in the history. A rebuild's file is read by no one before the swap, so it
 * collects the choice withdrawals here instead, derives every other end from the rows themselves, and
 * applies them all at the end (applyDeferredCloses).
 */
const TABLE = 'rebuild_pending_close';
/** One interval table's ends at a time: global position, end (and for choices the withdrawal). */
const ENDS = 'rebuild_interval_ends';
/** Schools split into this many buckets for the closing pass's window queries. */
const WINDOW_BUCKETS = 8;

export async function createDeferredCloses(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${TABLE} (tbl VARCHAR NOT NULL, global_position BIGINT NOT NULL, valid_to TIMESTAMPTZ NOT NULL, ended_by UUID)`);
}

export function deferredCloseRows(): RowBuffer {
  return new RowBuffer(TABLE, 'vbTu');
}

export function deferClose(rows: RowBuffer, table: IntervalTable, close: Close): void {
  rows.push([table, close.globalPosition, close.validTo, close.endedBy ?? null]);
}

/**
 * Interval rows ended per transaction in the closing pass, by global position. An UPDATE keeps what it
 * changed in memory until its COMMIT, outside what DuckDB can spill: one transaction over a whole
 * history ran out of a rebuild's memory limit at 10,000,000 events.
 */
export const CLOSE_CHUNK = 250_000;

/**
 * Ends every row and drops the collection: withdrawn choices from the collected ends, every other interval
 * row where the next row of its key starts (what the live projector does event by event: the superseding
 * event's time is both the old row's end and the new row's start). Per table the ends are computed once
 * into a work table, then applied in transactions of at most `chunk` positions; a rebuild's file is read
 * by no one before it is complete, so the steps in between need not be a valid model.
 */
export async function applyDeferredCloses(conn: DuckDBConnection, options: { readonly closeChunk?: number } = {}): Promise<void> {
  const chunk = options.closeChunk ?? CLOSE_CHUNK;
  const ends: { table: IntervalTable; fill: string[]; set: string }[] = [
    {
      table: 'choice',
      fill: [
        `CREATE OR REPLACE TABLE ${ENDS} AS SELECT global_position, valid_to, ended_by FROM ${TABLE} WHERE tbl = 'choice'`,
      ],
      set: 'valid_to = e.valid_to, withdrawal_event_id = e.ended_by',
    },
    ...supersededTables.map((table) => ({
      table,
      // Every key starts with the BRIN, so a bucket of schools holds whole partitions: the window sorts a
      // share of the table at a time (over the whole evaluation table it ran out of 32MB at 10M events).
      fill: [
        `CREATE OR REPLACE TABLE ${ENDS} (global_position BIGINT, valid_to TIMESTAMPTZ)`,
        ...Array.from(
          { length: WINDOW_BUCKETS },
          (_, bucket) => `INSERT INTO ${ENDS} SELECT global_position, next_from FROM (
            SELECT global_position, lead(valid_from) OVER (PARTITION BY ${intervalTables[table].join(', ')} ORDER BY global_position) AS next_from
            FROM ${table} WHERE hash(brin) % ${WINDOW_BUCKETS} = ${bucket}
          ) WHERE next_from IS NOT NULL`,
        ),
      ],
      set: 'valid_to = e.valid_to',
    })),
  ];
  for (const { table, fill, set } of ends) {
    for (const statement of fill) await conn.run(statement);
    const range = (await conn.runAndReadAll(`SELECT min(global_position), max(global_position) FROM ${ENDS}`)).getRows()[0];
    const [first, last] = [toNullableNumber(range?.[0]), toNullableNumber(range?.[1])];
    if (first !== null && last !== null) {
      for (let from = first; from <= last; from += chunk) {
        const to = from + chunk - 1;
        await conn.run(
          `UPDATE ${table} SET ${set} FROM ${ENDS} e WHERE ${table}.global_position = e.global_position ` +
            `AND e.global_position BETWEEN ${from} AND ${to} AND ${table}.global_position BETWEEN ${from} AND ${to}`,
        );
      }
    }
  }
  await conn.run(`DROP TABLE ${ENDS}; DROP TABLE ${TABLE}`);
}
