import type { DuckDBConnection } from '@duckdb/node-api';
import { toNullableNumber, toNumber, UNKNOWN_PROVINCE } from '@npo/analytics-model';
import { scanDomains, type ScanDomain, type SeverityLevel } from '@npo/contracts';

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

const rowsOf = async (conn: DuckDBConnection, sql: string, params: Record<string, string> = {}): Promise<Record<string, unknown>[]> =>
  (await conn.runAndReadAll(sql, params)).getRowObjects() as Record<string, unknown>[];

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

export async function loadYearFacts(conn: DuckDBConnection, schoolYear: string, asOf: string, reference: Reference): Promise<YearFacts> {
  const params = { asOf, year: schoolYear };
  const schools = await rowsOf(
    conn,
    `SELECT brin, sector, sector_group, gemeente, achterstand_band FROM school_at(as_of_cutoff($asOf)) ORDER BY brin`,
    { asOf },
  );
  const choices = await rowsOf(
    conn,
    `SELECT brin, code, category, planned_budget_cents AS cents FROM choice_at(as_of_cutoff($asOf)) WHERE school_year = $year`,
    params,
  );
  const scans = await rowsOf(
    conn,
    `SELECT brin, rekenen, taal, lezen, executieve_functies, sociaal_emotioneel, welbevinden
     FROM scan_at(as_of_cutoff($asOf)) WHERE school_year = $year`,
    params,
  );
  const submitted = await rowsOf(
    conn,
    `WITH c AS (SELECT as_of_cutoff($asOf) AS cutoff)
     SELECT DISTINCT brin FROM (
       SELECT brin FROM choice, c WHERE school_year = $year AND valid_from < c.cutoff
       UNION ALL SELECT brin FROM scan, c WHERE school_year = $year AND valid_from < c.cutoff
       UNION ALL SELECT brin FROM mr_decision, c WHERE school_year = $year AND valid_from < c.cutoff
     )`,
    params,
  );
  const consent = await rowsOf(
    conn,
    `WITH c AS (SELECT as_of_cutoff($asOf) AS cutoff),
     latest AS (SELECT brin, decision, plan_version FROM mr_decision_at((SELECT cutoff FROM c)) WHERE school_year = $year),
     versions AS (SELECT brin, plan_version FROM plan_version_at((SELECT cutoff FROM c)) WHERE school_year = $year),
     in_time AS (
       SELECT DISTINCT d.brin FROM mr_decision d, c, school_year y
       WHERE d.school_year = $year AND y.code = $year AND d.decision = 'approved' AND d.valid_from < c.cutoff
         AND d.decided_on <= y.mr_deadline
     )
     SELECT coalesce(l.brin, t.brin) AS brin,
            coalesce(l.decision = 'approved' AND l.plan_version = v.plan_version, false) AS approved,
            t.brin IS NOT NULL AS in_time
     FROM latest l FULL OUTER JOIN in_time t ON t.brin = l.brin LEFT JOIN versions v ON v.brin = coalesce(l.brin, t.brin)`,
    params,
  );
  const allocations = await rowsOf(
    conn,
    `SELECT brin, sum(amount_cents) AS cents FROM school_allocation_at(as_of_cutoff($asOf)) WHERE school_year = $year GROUP BY brin`,
    params,
  );
  const gemeenteAllocations = await rowsOf(
    conn,
    `SELECT gemeente, sum(amount_cents) AS cents FROM gemeente_allocation_at(as_of_cutoff($asOf)) WHERE school_year = $year GROUP BY gemeente`,
    params,
  );

  const choicesOf = groupBy(choices, (r) => String(r['brin']));
  const scanOf = new Map(scans.map((r) => [String(r['brin']), r]));
  const submittedSet = new Set(submitted.map((r) => String(r['brin'])));
  const consentOf = new Map(consent.map((r) => [String(r['brin']), r]));
  const allocatedOf = new Map(allocations.map((r) => [String(r['brin']), toNumber(r['cents'])]));
  const columns: Record<ScanDomain, string> = {
    rekenen: 'rekenen',
    taal: 'taal',
    lezen: 'lezen',
    executieveFuncties: 'executieve_functies',
    sociaalEmotioneel: 'sociaal_emotioneel',
    welbevinden: 'welbevinden',
  };

  return {
    schoolYear,
    schools: schools.map((s): SchoolFacts => {
      const brin = String(s['brin']);
      const gemeente = String(s['gemeente']);
      const mine = (choicesOf.get(brin) ?? []).map((c) => ({ code: String(c['code']), category: String(c['category']), cents: toNumber(c['cents']) }));
      const scan = scanOf.get(brin);
      const c = consentOf.get(brin);
      const hasPlan = mine.length > 0;
      return {
        brin,
        sector: String(s['sector']),
        sectorGroup: String(s['sector_group']),
        gemeente,
        province: reference.gemeenten.get(gemeente)?.province ?? UNKNOWN_PROVINCE,
        band: String(s['achterstand_band']),
        choices: mine,
        scan:
          scan === undefined
            ? null
            : (Object.fromEntries(scanDomains.map((d) => [d, String(scan[columns[d]]) as SeverityLevel])) as Record<ScanDomain, SeverityLevel>),
        submitted: submittedSet.has(brin),
        approved: hasPlan && c?.['approved'] === true,
        approvedByDeadline: hasPlan && c?.['in_time'] === true,
        allocatedCents: allocatedOf.get(brin) ?? 0,
      };
    }),
    gemeenteAllocations: new Map(gemeenteAllocations.map((r) => [String(r['gemeente']), toNumber(r['cents'])])),
  };
}

/** The latest evaluation per school and intervention (over all years), as of the date. */
export async function loadEvaluations(conn: DuckDBConnection, asOf: string): Promise<EvaluationFacts[]> {
  const rows = await rowsOf(
    conn,
    `SELECT e.brin, e.code, e.school_year, e.implemented_as_planned AS implemented, e.experienced_effect AS experienced,
            e.effect_size, e.effect_pupils AS pupils
     FROM evaluation_at(as_of_cutoff($asOf)) e
     JOIN school_at(as_of_cutoff($asOf)) s ON s.brin = e.brin
     QUALIFY row_number() OVER (PARTITION BY e.brin, e.code ORDER BY e.valid_from DESC, e.global_position DESC) = 1
     ORDER BY e.code, e.brin`,
    { asOf },
  );
  return rows.map((r) => ({
    brin: String(r['brin']),
    code: String(r['code']),
    schoolYear: String(r['school_year']),
    implementedAsPlanned: String(r['implemented']) as EvaluationFacts['implementedAsPlanned'],
    experiencedEffect: toNumber(r['experienced']),
    effectSize: toNullableNumber(r['effect_size']),
    pupils: toNullableNumber(r['pupils']),
  }));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}
