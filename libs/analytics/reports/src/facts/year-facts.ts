import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString, toNumber, UNKNOWN_PROVINCE } from '@npo/analytics-model';
import { scanDomains, type ScanDomain, severityLevels, type SeverityLevel } from '@npo/contracts';
import { columnsOf, inSnapshot, ints, NUMBERED_SCHOOLS, positionIn, rowsOf } from './columns.js';
import type { Reference, SchoolFacts, YearFacts } from './school-facts.js';

// One query per kind of fact covers every year asked for; see columns.ts for why rows come back as integers.

const column = (columns: Record<string, readonly unknown[]>, name: string): readonly unknown[] => columns[name] ?? [];

/** The facts of the given school years as of the date, in that order. */
export async function loadYearFacts(conn: DuckDBConnection, schoolYears: readonly string[], asOf: string, reference: Reference): Promise<YearFacts[]> {
  if (schoolYears.length === 0) return [];
  return inSnapshot(conn, () => readYearFacts(conn, schoolYears, asOf, reference));
}

async function readYearFacts(conn: DuckDBConnection, schoolYears: readonly string[], asOf: string, reference: Reference): Promise<YearFacts[]> {
  const params = { asOf };
  const numbered = NUMBERED_SCHOOLS;
  const inYears = (alias: string): string => `${alias}.school_year IN (${schoolYears.map(sqlString).join(', ')})`;
  const year = (alias: string): string => positionIn(schoolYears, `${alias}.school_year`);

  const schools = await rowsOf(conn, `WITH ${numbered} SELECT school, brin, sector, sector_group, gemeente, achterstand_band FROM s ORDER BY school`, params);
  const count = schools.length;
  const slot = (y: number, school: number): number => y * count + school;

  const dictionary = await rowsOf(conn, `SELECT DISTINCT code, category FROM choice ORDER BY code`);
  const codes = dictionary.map((r) => String(r['code']));
  const categories = dictionary.map((r) => String(r['category']));
  const entries = codes.map((code, i) => `${code}|${categories[i] ?? ''}`);
  const choices = await columnsOf(
    conn,
    `WITH ${numbered}
     SELECT ${year('x')} AS year, s.school, ${positionIn(entries, "x.code || '|' || x.category")} AS entry,
            x.planned_budget_cents::DOUBLE AS cents
     FROM choice_at((SELECT cutoff FROM c)) x JOIN s ON s.brin = x.brin WHERE ${inYears('x')}`,
    params,
  );
  const scans = await columnsOf(
    conn,
    `WITH ${numbered}
     SELECT ${year('x')} AS year, s.school, ${scanDomains.map((d) => `${positionIn(severityLevels, `x.${snake(d)}`)} AS ${snake(d)}`).join(', ')}
     FROM scan_at((SELECT cutoff FROM c)) x JOIN s ON s.brin = x.brin WHERE ${inYears('x')}`,
    params,
  );
  const submitted = await columnsOf(
    conn,
    `WITH ${numbered}
     SELECT DISTINCT ${year('x')} AS year, s.school FROM (
       SELECT school_year, brin FROM choice WHERE valid_from < (SELECT cutoff FROM c)
       UNION ALL SELECT school_year, brin FROM scan WHERE valid_from < (SELECT cutoff FROM c)
       UNION ALL SELECT school_year, brin FROM mr_decision WHERE valid_from < (SELECT cutoff FROM c)
     ) x JOIN s ON s.brin = x.brin WHERE ${inYears('x')}`,
    params,
  );
  const consent = await columnsOf(
    conn,
    `WITH ${numbered},
     latest AS (SELECT x.school_year, x.brin, x.decision, x.plan_version FROM mr_decision_at((SELECT cutoff FROM c)) x WHERE ${inYears('x')}),
     versions AS (SELECT x.school_year, x.brin, x.plan_version FROM plan_version_at((SELECT cutoff FROM c)) x WHERE ${inYears('x')}),
     in_time AS (
       SELECT DISTINCT d.school_year, d.brin FROM mr_decision d, school_year y
       WHERE ${inYears('d')} AND y.code = d.school_year AND d.decision = 'approved' AND d.valid_from < (SELECT cutoff FROM c)
         AND d.decided_on <= y.mr_deadline
     ),
     x AS (
       SELECT coalesce(l.school_year, t.school_year) AS school_year, coalesce(l.brin, t.brin) AS brin,
              coalesce(l.decision = 'approved' AND l.plan_version = v.plan_version, false) AS approved,
              t.brin IS NOT NULL AS in_time
       FROM latest l FULL OUTER JOIN in_time t ON t.brin = l.brin AND t.school_year = l.school_year
       LEFT JOIN versions v ON v.brin = coalesce(l.brin, t.brin) AND v.school_year = coalesce(l.school_year, t.school_year)
     )
     SELECT ${year('x')} AS year, s.school, x.approved, x.in_time FROM x JOIN s ON s.brin = x.brin`,
    params,
  );
  const allocations = await columnsOf(
    conn,
    `WITH ${numbered}
     SELECT ${year('x')} AS year, s.school, sum(x.amount_cents)::DOUBLE AS cents
     FROM school_allocation_at((SELECT cutoff FROM c)) x JOIN s ON s.brin = x.brin WHERE ${inYears('x')} GROUP BY ALL`,
    params,
  );
  const gemeenteAllocations = await rowsOf(
    conn,
    `SELECT x.school_year, x.gemeente, sum(x.amount_cents) AS cents FROM gemeente_allocation_at(as_of_cutoff($asOf)) x
     WHERE ${inYears('x')} GROUP BY ALL ORDER BY x.school_year, x.gemeente`,
    params,
  );

  const slots = schoolYears.length * count;
  const choicesOf: { code: string; category: string; cents: number }[][] = Array.from({ length: slots }, () => []);
  {
    const [ys, ss, es, cs] = [ints(choices['year']), ints(choices['school']), ints(choices['entry']), column(choices, 'cents')];
    for (let i = 0; i < ys.length; i++) {
      const entry = es[i] ?? 0;
      choicesOf[slot(ys[i] ?? 0, ss[i] ?? 0)]?.push({ code: codes[entry] ?? '', category: categories[entry] ?? '', cents: Number(cs[i]) });
    }
  }
  const scanOf = new Map<number, Record<ScanDomain, SeverityLevel>>();
  {
    const [ys, ss] = [ints(scans['year']), ints(scans['school'])];
    const levels = scanDomains.map((d) => ints(scans[snake(d)]));
    // Schools share a handful of level combinations: one frozen record each instead of one per school.
    const combinations = new Map<number, Record<ScanDomain, SeverityLevel>>();
    for (let i = 0; i < ys.length; i++) {
      let combination = 0;
      for (let j = 0; j < scanDomains.length; j++) combination = combination * severityLevels.length + (levels[j]?.[i] ?? 0);
      let scan = combinations.get(combination);
      if (scan === undefined) {
        scan = Object.freeze(Object.fromEntries(scanDomains.map((d, j) => [d, severityLevels[levels[j]?.[i] ?? 0]]))) as Record<ScanDomain, SeverityLevel>;
        combinations.set(combination, scan);
      }
      scanOf.set(slot(ys[i] ?? 0, ss[i] ?? 0), scan);
    }
  }
  const submittedSet = new Set(ints(submitted['year']).map((y, i) => slot(y, Number(submitted['school']?.[i]))));
  const approvedSet = new Set<number>();
  const inTimeSet = new Set<number>();
  ints(consent['year']).forEach((y, i) => {
    const at = slot(y, Number(consent['school']?.[i]));
    if (consent['approved']?.[i] === true) approvedSet.add(at);
    if (consent['in_time']?.[i] === true) inTimeSet.add(at);
  });
  const allocatedOf = new Map(ints(allocations['year']).map((y, i) => [slot(y, Number(allocations['school']?.[i])), Number(allocations['cents']?.[i])]));

  const who = schools.map((s) => {
    const gemeente = String(s['gemeente']);
    return {
      brin: String(s['brin']),
      sector: String(s['sector']),
      sectorGroup: String(s['sector_group']),
      gemeente,
      province: reference.gemeenten.get(gemeente)?.province ?? UNKNOWN_PROVINCE,
      band: String(s['achterstand_band']),
    };
  });
  return schoolYears.map((schoolYear, y) => ({
    schoolYear,
    schools: who.map((school, index): SchoolFacts => {
      const at = slot(y, index);
      const mine = choicesOf[at] ?? [];
      const hasPlan = mine.length > 0;
      return {
        brin: school.brin,
        sector: school.sector,
        sectorGroup: school.sectorGroup,
        gemeente: school.gemeente,
        province: school.province,
        band: school.band,
        choices: mine,
        scan: scanOf.get(at) ?? null,
        submitted: submittedSet.has(at),
        approved: hasPlan && approvedSet.has(at),
        // Of the schools whose plan has consent now, those that had an approval by the deadline: a subset
        // of `approved`, so a school whose latest decision is a rejection, or whose changed plan awaits
        // consent, is not counted as having consent by the deadline.
        approvedByDeadline: hasPlan && approvedSet.has(at) && inTimeSet.has(at),
        allocatedCents: allocatedOf.get(at) ?? 0,
      };
    }),
    gemeenteAllocations: new Map(gemeenteAllocations.filter((r) => String(r['school_year']) === schoolYear).map((r) => [String(r['gemeente']), toNumber(r['cents'])])),
  }));
}

function snake(domain: ScanDomain): string {
  return domain.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
