import type { DuckDBConnection } from '@duckdb/node-api';
import type { ScanDomain, SeverityLevel } from '@npo/contracts';
import { rowsOf } from './columns.js';

/*
 * The as-of snapshot, one row per school: who the school was (gemeente, sector, band) and what it had
 * decided for a school year as of the end of a calendar day. DuckDB does the time travel (through the
 * model's as-of macros); the aggregation into cells happens in TypeScript, from these same rows, so
 * every cell and every relation between cells is computed from one membership and holds exactly.
 */

export interface SchoolFacts {
  readonly brin: string;
  readonly sector: string;
  readonly sectorGroup: string;
  readonly gemeente: string;
  readonly province: string;
  readonly band: string;
  /** Active choices for the year, as of the date. */
  readonly choices: readonly { readonly code: string; readonly category: string; readonly cents: number }[];
  readonly scan: Readonly<Record<ScanDomain, SeverityLevel>> | null;
  /** Recorded a scan, a choice (even one withdrawn since) or an MR decision for the year. */
  readonly submitted: boolean;
  /** The MR's latest decision approves the current plan version. */
  readonly approved: boolean;
  /** Has an approval decided on or before the year's MR deadline (and a plan now). */
  readonly approvedByDeadline: boolean;
  /** Funds OCW allocated to the school for the year, as of the date. */
  readonly allocatedCents: number;
}

export interface YearFacts {
  readonly schoolYear: string;
  readonly schools: readonly SchoolFacts[];
  /** Gemeente -> its own NPO allocation for the year (public: OCW publishes these per gemeente). */
  readonly gemeenteAllocations: ReadonlyMap<string, number>;
}

export interface EvaluationFacts {
  readonly brin: string;
  readonly code: string;
  readonly schoolYear: string;
  readonly implementedAsPlanned: 'yes' | 'partly' | 'no';
  readonly experiencedEffect: number;
  readonly effectSize: number | null;
  readonly pupils: number | null;
}

export interface Reference {
  readonly gemeenten: ReadonlyMap<string, { readonly name: string; readonly province: string }>;
  readonly provinces: ReadonlyMap<string, string>;
  readonly schoolYears: readonly { readonly code: string; readonly mrDeadline: string }[];
}


export async function loadReference(conn: DuckDBConnection): Promise<Reference> {
  const gemeenten = await rowsOf(conn, 'SELECT code, name, province_code FROM gemeente');
  const provinces = await rowsOf(conn, 'SELECT code, name FROM province');
  const years = await rowsOf(conn, 'SELECT code, mr_deadline::VARCHAR AS deadline FROM school_year ORDER BY code');
  return {
    gemeenten: new Map(gemeenten.map((g) => [String(g['code']), { name: String(g['name']), province: String(g['province_code']) }])),
    provinces: new Map(provinces.map((p) => [String(p['code']), String(p['name'])])),
    schoolYears: years.map((y) => ({ code: String(y['code']), mrDeadline: String(y['deadline']) })),
  };
}

/** School years with any fact known as of the date, in order. */
export async function schoolYearsWithData(conn: DuckDBConnection, asOf: string): Promise<string[]> {
  const rows = await rowsOf(
    conn,
    `WITH c AS (SELECT as_of_cutoff($asOf) AS cutoff)
     SELECT DISTINCT school_year FROM (
       SELECT school_year FROM choice, c WHERE valid_from < c.cutoff
       UNION ALL SELECT school_year FROM scan, c WHERE valid_from < c.cutoff
       UNION ALL SELECT school_year FROM mr_decision, c WHERE valid_from < c.cutoff
       UNION ALL SELECT school_year FROM school_allocation, c WHERE occurred_at < c.cutoff
       UNION ALL SELECT school_year FROM gemeente_allocation, c WHERE occurred_at < c.cutoff
       UNION ALL SELECT school_year FROM evaluation, c WHERE valid_from < c.cutoff
     ) ORDER BY school_year`,
    { asOf },
  );
  return rows.map((r) => String(r['school_year']));
}
