import type { DuckDBConnection } from '@duckdb/node-api';
import { toNumber } from '../db/sql.js';
import { intervalKey } from './interval-keys.js';
import { NumericMap } from './numeric-map.js';
import type { Row } from './row-buffer.js';

/** Tables whose rows stay open (valid_to NULL) until a later event ends them, with the key that event names. */
export const intervalTables = {
  school_version: ['brin'],
  scan: ['brin', 'school_year'],
  mr_decision: ['brin', 'school_year'],
  evaluation: ['brin', 'school_year', 'code'],
  choice: ['brin', 'school_year', 'code'],
} as const satisfies Record<string, readonly string[]>;
export type IntervalTable = keyof typeof intervalTables;
/** Interval tables whose rows end only when a newer row of the same key starts (choices also end by withdrawal). */
export type SupersededTable = Exclude<IntervalTable, 'choice'>;
export const supersededTables = ['school_version', 'scan', 'mr_decision', 'evaluation'] as const satisfies readonly SupersededTable[];

interface OpenRow {
  readonly globalPosition: number;
  /** Set when the row was written in the current batch: its end can still be set before it is appended. */
  readonly pending?: Row;
}

/** A row of an earlier batch that this batch ends. */
export interface Close {
  readonly globalPosition: number;
  readonly validTo: string;
  /** For choices: the withdrawal that ended it. */
  readonly endedBy?: string;
}

/**
 * The open row per key of every interval table, in memory: a few per school and year. With it a batch
 * knows which earlier row an event ends without scanning the table, and the closing UPDATE touches
 * exactly those rows (by global_position). Like the stream heads, a batch works on a draft that becomes
 * the committed state only after COMMIT.
 */
export class OpenIntervals {
  private constructor(private readonly open: Map<IntervalTable, NumericMap>) {}

  static async load(conn: DuckDBConnection): Promise<OpenIntervals> {
    const open = new Map<IntervalTable, NumericMap>();
    for (const [table, keys] of Object.entries(intervalTables) as [IntervalTable, readonly string[]][]) {
      const where = `FROM ${table} WHERE valid_to IS NULL`;
      const count = toNumber((await conn.runAndReadAll(`SELECT count(*) ${where}`)).getRows()[0]?.[0]);
      const map = new NumericMap(count);
      // Chunk by chunk: after a national rebuild there are millions, and materialised at once their
      // strings would cost far more than the map itself.
      const result = await conn.stream(`SELECT ${keys.join(', ')}, global_position ${where}`);
      for await (const rows of result.yieldRows()) {
        for (const row of rows) {
          const [brin, year, code] = row.slice(0, keys.length).map((v) => String(v));
          map.set(intervalKey(brin as string, year, code), toNumber(row[keys.length]));
        }
      }
      open.set(table, map);
    }
    return new OpenIntervals(open);
  }

  draft(): OpenIntervalsDraft {
    return new OpenIntervalsDraft(this.open);
  }

  commit(draft: OpenIntervalsDraft): void {
    for (const [table, changes] of draft.changes) {
      const committed = this.open.get(table);
      if (committed === undefined) continue;
      for (const [key, row] of changes) {
        if (row === null) committed.delete(key);
        else committed.set(key, row.globalPosition);
      }
    }
  }
}

export class OpenIntervalsDraft {
  readonly changes = new Map<IntervalTable, Map<number, OpenRow | null>>();
  readonly closes = new Map<IntervalTable, Close[]>();

  constructor(private readonly base: ReadonlyMap<IntervalTable, NumericMap>) {}

  get(table: IntervalTable, key: number): OpenRow | undefined {
    const changed = this.changes.get(table)?.get(key);
    if (changed !== undefined) return changed ?? undefined;
    const gp = this.base.get(table)?.get(key);
    return gp === undefined ? undefined : { globalPosition: gp };
  }

  /**
   * Ends the open row of `key` at `validTo`: directly in the pending row if it is from this batch,
   * otherwise as a Close for the UPDATE. Returns false when there is no open row.
   */
  end(table: IntervalTable, key: number, validTo: string, validToColumn: number, endedBy?: { readonly id: string; readonly column: number }): boolean {
    const open = this.get(table, key);
    if (open === undefined) return false;
    if (open.pending !== undefined) {
      open.pending[validToColumn] = validTo;
      if (endedBy !== undefined) open.pending[endedBy.column] = endedBy.id;
    } else {
      let list = this.closes.get(table);
      if (list === undefined) this.closes.set(table, (list = []));
      list.push({ globalPosition: open.globalPosition, validTo, ...(endedBy === undefined ? {} : { endedBy: endedBy.id }) });
    }
    this.#change(table, key, null);
    return true;
  }

  /** Makes `row` the open row of `key`. */
  start(table: IntervalTable, key: number, globalPosition: number, row: Row): void {
    this.#change(table, key, { globalPosition, pending: row });
  }

  #change(table: IntervalTable, key: number, row: OpenRow | null): void {
    let changes = this.changes.get(table);
    if (changes === undefined) this.changes.set(table, (changes = new Map()));
    changes.set(key, row);
  }
}
