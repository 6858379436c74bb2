import type { DuckDBConnection } from '@duckdb/node-api';
import { type Close, type IntervalTable, intervalTables } from './open-intervals.js';
import { RowBuffer } from './row-buffer.js';

/*
 * During a rebuild, ending rows of earlier batches by one UPDATE per batch costs a scan of the whole
 * table each time: quadratic in the history. A rebuild's file is read by no one before the swap, so it
 * collects those ends here instead and applies them once, in one join per table, at the end.
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

/** Ends every collected row in one transaction and drops the collection. */
export async function applyDeferredCloses(conn: DuckDBConnection): Promise<void> {
  const statements = Object.keys(intervalTables).map((table) => {
    const set = table === 'choice' ? 'valid_to = p.valid_to::TIMESTAMPTZ, withdrawal_event_id = p.ended_by::UUID' : 'valid_to = p.valid_to::TIMESTAMPTZ';
    return `UPDATE ${table} SET ${set} FROM ${TABLE} p WHERE p.tbl = '${table}' AND ${table}.global_position = p.global_position`;
  });
  await conn.run(['BEGIN TRANSACTION', ...statements, `DROP TABLE ${TABLE}`, 'COMMIT'].join(';\n'));
}
