import { type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import { CHUNK_ROWS, type ColumnKinds, columnType, fillChunk, type Row } from './chunk-columns.js';

export type { ColumnKinds, Row } from './chunk-columns.js';

/*
 * One reusable chunk per column layout. A chunk's memory is native and freed only when the garbage
 * collector finalises it, which it does not hurry to do for a small JS object: a new chunk per 2,048
 * rows made the resident size grow with the history. Filling and appending are synchronous, so two
 * appenders on this thread never share a chunk at the same time.
 */
const chunks = new Map<ColumnKinds, DuckDBDataChunk>();

/**
 * The rows one batch adds to one table, kept in memory until the batch is complete (a later event of
 * the same batch may still end a row's validity) and then appended in one go.
 */
export class RowBuffer {
  readonly rows: Row[] = [];
  readonly #types: readonly DuckDBType[];
  constructor(
    readonly table: string,
    readonly kinds: ColumnKinds,
    readonly catalog?: string,
  ) {
    this.#types = [...kinds].map((kind) => columnType(kind, kinds));
  }

  push(row: Row): Row {
    this.rows.push(row);
    return row;
  }

  async appendTo(conn: DuckDBConnection): Promise<void> {
    if (this.rows.length === 0) return;
    const appender = this.catalog === undefined ? await conn.createAppender(this.table) : await conn.createAppender(this.table, 'main', this.catalog);
    try {
      for (let start = 0; start < this.rows.length; start += CHUNK_ROWS) appendChunk(appender, this.kinds, this.#types, this.rows, start, Math.min(this.rows.length, start + CHUNK_ROWS));
    } catch (error) {
      appender.clear();
      throw error;
    } finally {
      appender.closeSync();
    }
  }
}

function appendChunk(appender: DuckDBAppender, kinds: ColumnKinds, types: readonly DuckDBType[], rows: readonly Row[], start: number, end: number): void {
  let chunk = chunks.get(kinds);
  if (chunk === undefined) chunks.set(kinds, (chunk = DuckDBDataChunk.create(types as DuckDBType[])));
  chunk.reset();
  chunk.rowCount = end - start;
  fillChunk(chunk, kinds, rows, start, end);
  appender.appendDataChunk(chunk);
}
