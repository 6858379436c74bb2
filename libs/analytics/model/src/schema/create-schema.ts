import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { menukaart, menukaartCategories, menukaartCategoryCodes, menukaartEditions } from '@npo/domain';
import { sectors } from '@npo/contracts';
import { achterstandBands } from '../reference/achterstand-bands.js';
import { type GemeenteReference, gemeenten } from '../reference/gemeenten.js';
import { provinces } from '../reference/provinces.js';
import { sectorGroupLabels, sectorGroupOf } from '../reference/sector-groups.js';
import { schoolYearReference } from '../reference/school-years.js';
import { asOfMacros, factTables, feedTables, referenceTables, SCHEMA_VERSION, stagingTables } from './ddl.js';

export interface SchemaOptions {
  /** ISO instant written to analytics_meta.created_at. */
  readonly createdAt: string;
  /** Per school year override of the MR deadline (default 10 July before the year starts). */
  readonly mrDeadlines?: Readonly<Record<string, string>>;
  /** Free text (git commit, package version) recorded in analytics_meta. */
  readonly codeVersion?: string;
  /** Gemeenten beyond the shipped reference list; an entry with a shipped code replaces it. */
  readonly extraGemeenten?: readonly GemeenteReference[];
}

async function fill(conn: DuckDBConnection, table: string, rows: readonly (readonly (string | number | boolean | null)[])[]): Promise<void> {
  const appender: DuckDBAppender = await conn.createAppender(table);
  for (const row of rows) {
    for (const value of row) {
      if (value === null) appender.appendNull();
      else if (typeof value === 'boolean') appender.appendBoolean(value);
      else if (typeof value === 'number') appender.appendDouble(value);
      else appender.appendVarchar(value);
    }
    appender.endRow();
  }
  appender.closeSync();
}

/** Creates every table of an empty analytics file and loads the reference data, in one transaction. */
export async function createSchema(conn: DuckDBConnection, options: SchemaOptions): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    for (const ddl of [...referenceTables, ...feedTables, ...factTables, ...asOfMacros]) await conn.run(ddl);
    await fill(conn, 'analytics_meta', [
      ['schema_version', String(SCHEMA_VERSION)],
      ['created_at', options.createdAt],
      ['code_version', options.codeVersion ?? 'unknown'],
    ]);
    await fill(conn, 'province', provinces.map((p) => [p.code, p.name]));
    const allGemeenten = new Map(gemeenten.map((g) => [g.code, g]));
    for (const g of options.extraGemeenten ?? []) allGemeenten.set(g.code, g);
    await fill(conn, 'gemeente', [...allGemeenten.values()].map((g) => [g.code, g.name, g.province, g.validTo ?? null, g.mergedInto ?? null]));
    await fill(conn, 'achterstand_band', achterstandBands.map((b) => [b.code, b.label, b.minPerPupil, b.maxPerPupil, b.order]));
    await fill(conn, 'sector_group', sectors.map((s) => [s, sectorGroupOf(s), sectorGroupLabels[sectorGroupOf(s)]]));
    await fill(conn, 'menukaart_category', menukaartCategoryCodes.map((c) => [c, menukaartCategories[c].name]));
    await fill(conn, 'menukaart_intervention', menukaart.map((e, i) => [e.code, e.category, e.name, e.note ?? null, i + 1]));
    await fill(
      conn,
      'menukaart_rating',
      menukaart.flatMap((e) =>
        menukaartEditions.flatMap((edition) => {
          const f = e.editions[edition];
          return f === undefined ? [] : [[e.code, edition, f.months, f.evidence, f.cost, f.figuresRead]];
        }),
      ),
    );
    await fill(conn, 'school_year', schoolYearReference(options.mrDeadlines).map((y) => [y.code, y.start, y.end, y.edition, y.mrDeadline]));
    await conn.run('COMMIT');
  } catch (error) {
    await conn.run('ROLLBACK');
    throw error;
  }
}

/** The staging tables are TEMP (per connection): create them on every connection that projects. */
export async function createStaging(conn: DuckDBConnection): Promise<void> {
  for (const ddl of stagingTables) await conn.run(ddl);
}

export async function readMeta(conn: DuckDBConnection): Promise<Readonly<Record<string, string>>> {
  const exists = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'analytics_meta' AND NOT temporary`);
  if (Number(exists.getRows()[0]?.[0] ?? 0) === 0) return {};
  const reader = await conn.runAndReadAll('SELECT key, value FROM analytics_meta');
  return Object.fromEntries(reader.getRows().map(([k, v]) => [String(k), String(v)]));
}

export async function writeMeta(conn: DuckDBConnection, key: string, value: string): Promise<void> {
  await conn.run('INSERT OR REPLACE INTO analytics_meta VALUES ($key, $value)', { key, value });
}
