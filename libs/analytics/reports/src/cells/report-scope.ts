import type { UnitInfo } from './build-release-input.js';

/**
 * Which part of the report is computed and protected. A release is the whole report: every table of
 * every school year, protected together, so no view of it can be differenced against another. An ad-hoc
 * view (ocw/admin) is only the tables that one response shows, protected against each other: a national
 * report of a year has the national tables of every year (its trend) and that year's breakdowns by
 * sector, band and province, no gemeente; a gemeente report has that gemeente, the nation and the rest of
 * the nation in that year (not shown, but it follows from the two and ties them together); the evidence
 * view has the evidence table and the national uptake of every year.
 */
export type ReportScope =
  | { readonly view: 'whole' }
  | { readonly view: 'national'; readonly schoolYear: string }
  | { readonly view: 'gemeente'; readonly gemeente: string; readonly schoolYear: string }
  | { readonly view: 'evidence' };

export const WHOLE_REPORT: ReportScope = { view: 'whole' };

/** A scope as a request names it: without a school year, the latest year with data as of the date. */
export type ReportScopeRequest =
  | { readonly view: 'whole' }
  | { readonly view: 'national'; readonly schoolYear?: string }
  | { readonly view: 'gemeente'; readonly gemeente: string; readonly schoolYear?: string }
  | { readonly view: 'evidence' };

export function resolveScope(request: ReportScopeRequest, yearsWithData: readonly string[]): ReportScope {
  switch (request.view) {
    case 'whole':
    case 'evidence':
      return request;
    case 'national':
    case 'gemeente': {
      // No year with data: an empty one, which the view answers with "no school year with data".
      const schoolYear = request.schoolYear ?? yearsWithData.at(-1) ?? '';
      return { ...request, schoolYear };
    }
    default: {
      const unexpected: never = request;
      throw new Error(`unknown report scope ${JSON.stringify(unexpected)}`);
    }
  }
}

/** The school years whose facts the scope needs, of those with data. */
export function yearsInScope(scope: ReportScope, yearsWithData: readonly string[]): string[] {
  return scope.view === 'gemeente' ? yearsWithData.filter((y) => y === scope.schoolYear) : [...yearsWithData];
}

export function unitInScope(scope: ReportScope, schoolYear: string, unit: UnitInfo): boolean {
  switch (scope.view) {
    case 'whole':
      return true;
    case 'national':
      return unit.kind === 'nl' || (schoolYear === scope.schoolYear && unit.kind !== 'gemeente');
    case 'gemeente':
      return schoolYear === scope.schoolYear && (unit.kind === 'nl' || (unit.kind === 'gemeente' && unit.code === scope.gemeente));
    case 'evidence':
      return unit.kind === 'nl';
    default: {
      const unexpected: never = scope;
      throw new Error(`unknown report scope ${JSON.stringify(unexpected)}`);
    }
  }
}

export function evidenceInScope(scope: ReportScope): boolean {
  return scope.view === 'whole' || scope.view === 'evidence';
}
