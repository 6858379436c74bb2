import type { DuckDBConnection } from '@duckdb/node-api';
import { type Close, type IntervalTable, intervalTables, supersededTables } from './open-intervals.js';
import { RowBuffer } from './row-buffer.js';

/*
 * During a rebuild, ending rows of earlier batches by one UPDATE per batch costs a scan of the whole
 * table each time: quadratic in the history. A rebuild's file is read by no one before the swap, so it
 * collects the choice withdrawals here instead, derives every other end from the rows themselves, and
 * applies them once, one statement per table, at the end.
 */
const TABLE = 'rebuild_pending_close';

export async function createDeferredCloses(conn: DuckDBConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${TABLE} (tbl VARCHAR NOT NULL, global_position BIGINT NOT NULL, valid_to VARCHAR NOT NULL, ended_by VARCHAR)`);
}

export function deferredCloseRows(): RowBuffer {
  return new RowBuffer(TABLE, 'vbvv');
}

export function deferClose(rows: RowBuffer, table: IntervalTable, close: Close): void {
  rows.push([table, close.globalPosition, close.validTo, close.endedBy ?? null]);
}

/**
 * Ends every row in one transaction and drops the collection: withdrawn choices from the collected
 * ends, every other interval row where the next row of its key starts (what the live projector does
 * event by event: the superseding event's time is both the old row's end and the new row's start).
 */
export async function applyDeferredCloses(conn: DuckDBConnection): Promise<void> {
  const withdrawals = `UPDATE choice SET valid_to = p.valid_to::TIMESTAMPTZ, withdrawal_event_id = p.ended_by::UUID FROM ${TABLE} p WHERE p.tbl = 'choice' AND choice.global_position = p.global_position`;
  const superseded = supersededTables.map((table) => {
    const keys = intervalTables[table].join(', ');
    return `UPDATE ${table} SET valid_to = n.next_from FROM (
      SELECT global_position, lead(valid_from) OVER (PARTITION BY ${keys} ORDER BY global_position) AS next_from FROM ${table}
    ) n WHERE ${table}.global_position = n.global_position AND n.next_from IS NOT NULL`;
  });
  await conn.run(['BEGIN TRANSACTION', withdrawals, ...superseded, `DROP TABLE ${TABLE}`, 'COMMIT'].join(';\n'));
}
