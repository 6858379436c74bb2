import type { DuckDBConnection } from '@duckdb/node-api';
import { buildReportInput, type ReportInput } from './cells/build-release-input.js';
import { loadEvaluations, loadReference, loadYearFacts, schoolYearsWithData } from './facts/school-facts.js';

/** Reads the as-of snapshot of every school year with data and turns it into the release input. */
export async function reportInputAsOf(conn: DuckDBConnection, asOf: string, releaseId: string): Promise<ReportInput> {
  const reference = await loadReference(conn);
  const years = await schoolYearsWithData(conn, asOf);
  const facts = [];
  for (const year of years) facts.push(await loadYearFacts(conn, year, asOf, reference));
  return buildReportInput(releaseId, asOf, facts, await loadEvaluations(conn, asOf), reference);
}
