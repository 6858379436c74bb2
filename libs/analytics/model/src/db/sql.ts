/** A SQL string literal. Only for values the code itself controls (table names, ISO dates checked upstream). */
export const sqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** A safe integer from a DuckDB value (BIGINT arrives as bigint, INTEGER as number). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError(`${value} is outside the safe integer range`);
    return Number(value);
  }
  if (value === null || value === undefined) return 0;
  return Number(value);
}

export const toNullableNumber = (value: unknown): number | null => (value === null || value === undefined ? null : toNumber(value));
