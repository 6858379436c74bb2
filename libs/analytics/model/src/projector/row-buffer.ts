import { BIGINT, DOUBLE, type DuckDBAppender, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, INTEGER, TINYINT, VARCHAR } from '@duckdb/node-api';

/** Column kinds, in table order: v VARCHAR (also UUID, DATE, TIMESTAMPTZ by cast), b BIGINT, i INTEGER, t TINYINT, d DOUBLE. */
export type ColumnKinds = string;
export type Row = (string | number | null)[];

// DuckDB's vector size: the most rows one data chunk holds.
const CHUNK_ROWS = 2048;

/*
 * One reusable chunk per column layout. A chunk's memory is native and freed only when the garbage
 * collector finalises it, which it does not hurry to do for a small JS object: a new chunk per 2,048
 * rows made the resident size grow with the history. Filling and appending are synchronous, so two
 * appenders on this thread never share a chunk at the same time.
 */
const chunks = new Map<ColumnKinds, DuckDBDataChunk>();

function typeOf(kind: string, kinds: ColumnKinds): DuckDBType {
  switch (kind) {
    case 'v':
      return VARCHAR;
    case 'b':
      return BIGINT;
    case 'i':
      return INTEGER;
    case 't':
      return TINYINT;
    case 'd':
      return DOUBLE;
    default:
      throw new Error(`unknown column kind ${kind} in ${kinds}`);
  }
}

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
    this.#types = [...kinds].map((kind) => typeOf(kind, kinds));
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

/**
 * Appends rows [start, end) column by column: numbers are copied into the vector's memory and a text
 * column costs one call per value instead of one per value and cast; the appender casts text to the
 * column's UUID, DATE or TIMESTAMPTZ type per chunk.
 */
function appendChunk(appender: DuckDBAppender, kinds: ColumnKinds, types: readonly DuckDBType[], rows: readonly Row[], start: number, end: number): void {
  const count = end - start;
  let chunk = chunks.get(kinds);
  if (chunk === undefined) chunks.set(kinds, (chunk = DuckDBDataChunk.create(types as DuckDBType[])));
  chunk.reset();
  chunk.rowCount = count;
  const column: unknown[] = new Array(count);
  for (let c = 0; c < kinds.length; c++) {
    const big = kinds.charCodeAt(c) === 98; // b
    for (let r = 0; r < count; r++) {
      const value = (rows[start + r] as Row)[c] ?? null;
      column[r] = big && value !== null ? BigInt(value) : value;
    }
    chunk.setColumnValues(c, column as never);
  }
  appender.appendDataChunk(chunk);
}
