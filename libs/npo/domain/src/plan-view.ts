import type { SchoolPlanView, SchoolYearPlan } from '@npo/contracts';
import { menukaartOrder } from './menukaart.js';
import { consentStatusOf, type SchoolState, type SchoolYearState } from './school-state.js';

export interface PlanViewOptions {
  /** Scan findings are the school's own: show them to the school, not to the funder (default false). */
  readonly includeFindings?: boolean;
}

const byMenukaartOrder = (a: string, b: string) => menukaartOrder(a) - menukaartOrder(b);
const sum = (ns: readonly number[]) => ns.reduce((s, n) => s + n, 0);

function yearPlan(schoolYear: string, year: SchoolYearState, includeFindings: boolean): SchoolYearPlan {
  const active = [...year.activeChoices.values()].sort((a, b) => byMenukaartOrder(a.code, b.code));
  return {
    schoolYear,
    scan:
      year.scan === null
        ? null
        : { completedOn: year.scan.completedOn, ...(includeFindings ? { findings: year.scan.findings } : {}) },
    planVersion: year.planVersion,
    consent: { status: consentStatusOf(year), lastDecision: year.lastDecision },
    activeChoices: active.map((c) => ({ ...c, targetDomains: [...c.targetDomains] })),
    withdrawnCodes: [...year.everChosen].filter((c) => !year.activeChoices.has(c)).sort(byMenukaartOrder),
    plannedBudgetCents: sum(active.map((c) => c.plannedBudgetCents)),
    allocatedCents: sum(year.allocations.map((a) => a.amountCents)),
    allocations: [...year.allocations],
    evaluations: [...year.evaluations.values()].sort((a, b) => byMenukaartOrder(a.code, b.code)),
  };
}

/** The school's current plan per school year (`GET /v1/schools/{brin}`); undefined if not registered. */
export function schoolPlanView(state: SchoolState, options: PlanViewOptions = {}): SchoolPlanView | undefined {
  if (state.details === null) return undefined;
  const years = [...state.years.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([schoolYear, year]) => yearPlan(schoolYear, year, options.includeFindings ?? false));
  return { ...state.details, years };
}
