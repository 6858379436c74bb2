import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

/** Column kinds, in table order: v VARCHAR (also UUID, DATE, TIMESTAMPTZ by cast), b BIGINT, i INTEGER, t TINYINT, d DOUBLE. */
export type ColumnKinds = string;
export type Row = (string | number | null)[];

/**
 * The rows one batch adds to one table, kept in memory until the batch is complete (a later event of
 * the same batch may still end a row's validity) and then appended in one go.
 */
export class RowBuffer {
  readonly rows: Row[] = [];
  constructor(
    readonly table: string,
    readonly kinds: ColumnKinds,
    readonly catalog?: string,
  ) {}

  push(row: Row): Row {
    this.rows.push(row);
    return row;
  }

  async appendTo(conn: DuckDBConnection): Promise<void> {
    if (this.rows.length === 0) return;
    const appender = this.catalog === undefined ? await conn.createAppender(this.table) : await conn.createAppender(this.table, 'main', this.catalog);
    try {
      appendRows(appender, this.kinds, this.rows);
    } catch (error) {
      appender.clear();
      throw error;
    } finally {
      appender.closeSync();
    }
  }
}

function appendRows(a: DuckDBAppender, kinds: ColumnKinds, rows: readonly Row[]): void {
  const n = kinds.length;
  for (const row of rows) {
    for (let c = 0; c < n; c++) {
      const value = row[c];
      if (value === null || value === undefined) {
        a.appendNull();
        continue;
      }
      switch (kinds.charCodeAt(c)) {
        case 118: // v
          a.appendVarchar(value as string);
          break;
        case 98: // b
          a.appendBigInt(BigInt(value));
          break;
        case 105: // i
          a.appendInteger(value as number);
          break;
        case 116: // t
          a.appendTinyInt(value as number);
          break;
        case 100: // d
          a.appendDouble(value as number);
          break;
        default:
          throw new Error(`unknown column kind ${kinds[c]} in ${kinds}`);
      }
    }
    a.endRow();
  }
}
