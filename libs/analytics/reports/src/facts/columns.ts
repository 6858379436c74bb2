import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '@npo/analytics-model';

/*
 * Reading large as-of snapshots fast: rows come back as small integers (a school's number, the position of
 * a code or year in a short list) read column by column. A national world has ~170,000 active choices and
 * ~130,000 evaluations; read as row objects of strings they took most of a second, as columns tens of ms.
 */

export const listLiteral = (values: readonly string[]): string => `[${values.map(sqlString).join(', ')}]`;

/**
 * The 0-based position of `column` in `values`. A value outside the list fails the query: read as a number it
 * would silently count as the list's first value.
 */
export const positionIn = (values: readonly string[], column: string): string => {
  const position = `list_position(${listLiteral(values)}, ${column})`;
  return `(CASE WHEN ${position} IS NULL THEN error('unexpected value ' || coalesce(${column}::VARCHAR, 'NULL') || ' in ' || ${sqlString(column)}) ELSE ${position} - 1 END)::INTEGER`;
};

/** CTEs `c` (the cutoff of $asOf) and `s` (the schools as of it, numbered in brin order; brin is unique in it). */
export const NUMBERED_SCHOOLS = `c AS (SELECT as_of_cutoff($asOf) AS cutoff),
    s AS (SELECT *, (row_number() OVER (ORDER BY brin) - 1)::INTEGER AS school FROM school_at((SELECT cutoff FROM c)))`;

/** Small result sets (reference data, dictionaries) as row objects. */
export const rowsOf = async (conn: DuckDBConnection, sql: string, params: Record<string, string> = {}): Promise<Record<string, unknown>[]> =>
  (await conn.runAndReadAll(sql, params)).getRowObjects() as Record<string, unknown>[];

export async function columnsOf(conn: DuckDBConnection, sql: string, params: Record<string, string> = {}): Promise<Record<string, readonly unknown[]>> {
  return (await conn.runAndReadAll(sql, params)).getColumnsObject();
}

export const ints = (column: readonly unknown[] | undefined): number[] => (column ?? []).map((v) => Number(v));
export const strings = (column: readonly unknown[] | undefined): string[] => (column ?? []).map((v) => String(v));

/**
 * Runs one loader's queries in one transaction, so they all read one snapshot. The school numbers are
 * computed in each query; a school the projector adds between two of them would shift every later number
 * and hand one school's facts to another.
 */
export async function inSnapshot<T>(conn: DuckDBConnection, read: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  try {
    return await read();
  } finally {
    // Nothing was written: ending the transaction either way only releases the snapshot.
    await conn.run('ROLLBACK');
  }
}
