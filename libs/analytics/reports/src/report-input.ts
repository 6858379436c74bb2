import type { DuckDBConnection } from '@duckdb/node-api';
import { buildReportInput, type ReportInput } from './cells/build-release-input.js';
import { evidenceInScope, type ReportScope, type ReportScopeRequest, resolveScope, WHOLE_REPORT, yearsInScope } from './cells/report-scope.js';
import { loadEvaluations } from './facts/evaluation-facts.js';
import { loadReference, schoolYearsWithData } from './facts/school-facts.js';
import { loadYearFacts } from './facts/year-facts.js';

/** Connections to the analytics database (AnalyticsDatabase): one per call, so two calls query side by side. */
export interface ConnectionSource {
  read<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T>;
}

/**
 * Reads the as-of snapshot and turns it into the release input: every school year with data for the
 * whole report, only what a view shows for a narrower scope (see ReportScope). The evaluations are read on a
 * second connection while this thread turns the year facts into objects: an ad-hoc evidence view is
 * about half DuckDB's time and half this thread's.
 */
export async function reportInputAsOf(db: ConnectionSource, asOf: string, releaseId: string, scope: ReportScopeRequest = WHOLE_REPORT): Promise<ReportInput> {
  const { reference, resolved, withData } = await db.read(async (conn) => {
    const years = await schoolYearsWithData(conn, asOf);
    return { reference: await loadReference(conn), withData: years, resolved: resolveScope(scope, years) as ReportScope };
  });
  const [facts, evaluations] = await Promise.all([
    db.read((conn) => loadYearFacts(conn, yearsInScope(resolved, withData), asOf, reference)),
    evidenceInScope(resolved) ? db.read((conn) => loadEvaluations(conn, asOf)) : Promise.resolve([]),
  ]);
  return buildReportInput(releaseId, asOf, facts, evaluations, reference, resolved);
}
