import type { DuckDBConnection } from '@duckdb/node-api';
import { buildReportInput, type ReportInput } from './cells/build-release-input.js';
import { evidenceInScope, type ReportScope, type ReportScopeRequest, resolveScope, WHOLE_REPORT, yearsInScope } from './cells/report-scope.js';
import { loadEvaluations, loadReference, loadYearFacts, schoolYearsWithData } from './facts/school-facts.js';

/**
 * Reads the as-of snapshot and turns it into the release input: every school year with data for the
 * whole report, only what a view shows for a narrower scope (see ReportScope).
 */
export async function reportInputAsOf(conn: DuckDBConnection, asOf: string, releaseId: string, scope: ReportScopeRequest = WHOLE_REPORT): Promise<ReportInput> {
  const reference = await loadReference(conn);
  const withData = await schoolYearsWithData(conn, asOf);
  const resolved: ReportScope = resolveScope(scope, withData);
  const facts = await loadYearFacts(conn, yearsInScope(resolved, withData), asOf, reference);
  const evaluations = evidenceInScope(resolved) ? await loadEvaluations(conn, asOf) : [];
  return buildReportInput(releaseId, asOf, facts, evaluations, reference, resolved);
}
