import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlString } from '../db/sql.js';
import { ColumnValueError, type Row } from './chunk-columns.js';
import { RowBuffer } from './row-buffer.js';

/*
 * The chunk writer puts values into DuckDB's vectors as DuckDB stores them. The oracle is DuckDB itself:
 * the same rows inserted as SQL literals, cast by DuckDB's own parsers, must give the same table.
 */
const KINDS = 'vuTDbitdv';
const DDL = '(s VARCHAR, id UUID, ts TIMESTAMPTZ, day DATE, big BIGINT, n INTEGER, tiny TINYINT, x DOUBLE, long_text VARCHAR)';
const SQL_TYPES = ['VARCHAR', 'UUID', 'TIMESTAMPTZ', 'DATE', 'BIGINT', 'INTEGER', 'TINYINT', 'DOUBLE', 'VARCHAR'] as const;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const calendarDate = fc
  .record({ year: fc.integer({ min: 0, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
  .map(({ year, month, day }) => {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const last = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
    return `${pad(year, 4)}-${pad(month, 2)}-${pad(Math.min(day, last), 2)}`;
  });
// Instants DuckDB's cast reads the same way: seconds always, any number of fraction digits, 'Z' or an offset
// with or without its colon, anywhere in the years 0000-9999 (an offset may carry one into 1 BC or 10000).
const instant = fc
  .record({
    date: calendarDate,
    h: fc.integer({ min: 0, max: 23 }),
    m: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 12 }),
    offset: fc.oneof(
      fc.constant('Z'),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom(':', ''))
        .map(([sign, h, m, colon]) => `${sign}${pad(h, 2)}${colon}${pad(m, 2)}`),
    ),
  })
  .map(({ date, h, m, s, fraction, offset }) => `${date}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${fraction === '' ? '' : `.${fraction}`}${offset}`);
// Short and long, printable and not (control characters, DEL at the edge of the inline ASCII test, lone
// surrogates), around the 12-byte inline limit; no NUL, which ends a SQL literal.
const text = fc
  .oneof(
    fc.string({ maxLength: 14 }),
    fc.string({ unit: 'binary-ascii', maxLength: 14 }),
    fc.string({ unit: 'binary', maxLength: 14 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.string({ minLength: 11, maxLength: 13 }),
    fc.string({ minLength: 13, maxLength: 60 }),
  )
  .map((s) => s.replaceAll('\0', ''));
const uuid = fc.tuple(fc.uuid(), fc.boolean()).map(([u, upper]) => (upper ? u.toUpperCase() : u));
const nullable = <T,>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { freq: 8, nil: null });

const row: fc.Arbitrary<Row> = fc.tuple(
  nullable(text),
  nullable(uuid),
  nullable(instant),
  nullable(calendarDate),
  nullable(fc.maxSafeInteger()),
  nullable(fc.integer()),
  nullable(fc.integer({ min: -128, max: 127 })),
  nullable(fc.double({ noNaN: true, noDefaultInfinity: true })),
  nullable(fc.string({ minLength: 20, maxLength: 40 })),
);

function literal(value: string | number | null, type: string): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return type === 'DOUBLE' ? `${sqlString(String(value))}::DOUBLE` : String(value);
  return `${sqlString(value)}::${type}`;
}

describe('chunk columns (rows appended as DuckDB stores them)', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
  });
  afterAll(() => {
    conn.closeSync();
    instance.closeSync();
  });

  const differences = async (): Promise<number> => {
    const reader = await conn.runAndReadAll(
      'SELECT count(*) FROM ((SELECT * FROM appended EXCEPT ALL SELECT * FROM cast_by_duckdb) UNION ALL (SELECT * FROM cast_by_duckdb EXCEPT ALL SELECT * FROM appended))',
    );
    return Number(reader.getRows()[0]?.[0]);
  };

  it('writes every kind exactly as DuckDB casts the same values from SQL text, nulls included, across chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 2_600, size: 'max' }), async (rows) => {
        await conn.run(`CREATE OR REPLACE TABLE appended ${DDL}; CREATE OR REPLACE TABLE cast_by_duckdb ${DDL}`);
        const buffer = new RowBuffer('appended', KINDS);
        for (const r of rows) buffer.push([...r]);
        await buffer.appendTo(conn);
        for (let i = 0; i < rows.length; i += 500) {
          const values = rows.slice(i, i + 500).map((r) => `(${r.map((v, c) => literal(v, SQL_TYPES[c] as string)).join(', ')})`);
          await conn.run(`INSERT INTO cast_by_duckdb VALUES ${values.join(', ')}`);
        }
        const counted = await conn.runAndReadAll('SELECT count(*) FROM appended');
        expect(Number(counted.getRows()[0]?.[0])).toBe(rows.length);
        expect(await differences()).toBe(0);
      }),
      { numRuns: 25 },
    );
  });

  it('leaves no null behind in a reused chunk: a column with nulls, then the same layout without any', async () => {
    await conn.run(`CREATE OR REPLACE TABLE appended ${DDL}`);
    const withNulls = new RowBuffer('appended', KINDS);
    for (let i = 0; i < 3_000; i++) withNulls.push(i % 2 === 0 ? [null, null, null, null, null, null, null, null, null] : ['a', '00000000-0000-0000-0000-000000000001', '2021-01-01T00:00:00Z', '2021-01-01', 1, 1, 1, 1, 'a long string of more than twelve bytes']);
    await withNulls.appendTo(conn);
    await conn.run('DELETE FROM appended');
    const full = new RowBuffer('appended', KINDS);
    for (let i = 0; i < 3_000; i++) full.push(['b', '00000000-0000-0000-0000-000000000002', '2022-01-01T00:00:00Z', '2022-01-01', 2, 2, 2, 2, 'another string longer than twelve bytes']);
    await full.appendTo(conn);
    const reader = await conn.runAndReadAll(
      'SELECT count(*), count(s), count(id), count(ts), count(day), count(big), count(n), count(tiny), count(x), count(long_text) FROM appended',
    );
    expect(reader.getRows()[0]?.map(Number)).toEqual(Array(10).fill(3_000));
  });

  it('runs on the DuckDB library @duckdb/node-api itself loads (one native build, one version)', () => {
    const require = createRequire(import.meta.url);
    const api = require.resolve('@duckdb/node-api');
    expect(require.resolve('@duckdb/node-bindings')).toBe(require.resolve('@duckdb/node-bindings', { paths: [dirname(api)] }));
    const { dependencies } = require('@duckdb/node-api/package.json') as { dependencies: Record<string, string> };
    expect(dependencies['@duckdb/node-bindings']).toBe((require('@duckdb/node-bindings/package.json') as { version: string }).version);
  });

  it('orders UUIDs as their text, as DuckDB does (the top bit of the HUGEINT flipped)', async () => {
    await conn.run('CREATE OR REPLACE TABLE ids (id UUID)');
    const ids = ['ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000', '80000000-0000-0000-0000-000000000000', '7fffffff-ffff-ffff-ffff-ffffffffffff'];
    const buffer = new RowBuffer('ids', 'u');
    for (const id of ids) buffer.push([id]);
    await buffer.appendTo(conn);
    const reader = await conn.runAndReadAll('SELECT id::VARCHAR FROM ids ORDER BY id');
    expect(reader.getRows().map((r) => r[0])).toEqual([...ids].sort());
  });

  it('refuses a value its column cannot hold, naming it, and appends nothing of the batch', async () => {
    await conn.run(`CREATE OR REPLACE TABLE appended ${DDL}`);
    const good: Row = ['a', '00000000-0000-0000-0000-000000000001', '2021-01-01T00:00:00Z', '2021-01-01', 1, 1, 1, 1, null];
    for (const [column, bad] of [
      [1, 'not-a-uuid'],
      [2, '2021-02-29T00:00:00Z'],
      [2, '2021-01-01T00:00Z'],
      [3, '2021-04-31'],
      [4, 2 ** 53],
      [5, 1.5],
      [6, 200],
      [7, 'one'],
      [0, 12],
      [4, '12'],
      [4, 1.5],
      [5, Number.NaN],
      [4, 10n as unknown as number],
    ] as const) {
      const buffer = new RowBuffer('appended', KINDS);
      buffer.push([...good]);
      const broken = [...good];
      broken[column] = bad;
      buffer.push(broken);
      await expect(buffer.appendTo(conn)).rejects.toThrow(ColumnValueError);
    }
    const counted = await conn.runAndReadAll('SELECT count(*) FROM appended');
    expect(Number(counted.getRows()[0]?.[0])).toBe(0);
  });
});
