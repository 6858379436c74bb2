import type {
  ConsentStatus,
  Findings,
  ImplementedAsPlanned,
  MeasuredEffect,
  MrDecision,
  NpoEventData,
  ScanDomain,
  SchoolDetails,
} from '@npo/contracts';

export interface ActiveChoice {
  readonly code: string;
  readonly targetDomains: readonly ScanDomain[];
  readonly plannedBudgetCents: number;
  readonly pupilsReached: number;
}

export interface Evaluation {
  readonly code: string;
  readonly implementedAsPlanned: ImplementedAsPlanned;
  readonly experiencedEffect: number;
  readonly measuredEffect?: MeasuredEffect;
}

export interface MrDecisionRecord {
  readonly decision: MrDecision;
  readonly planVersion: number;
  readonly decidedOn: string;
}

export interface SchoolYearState {
  /** The latest scan; a second scan in a year replaces the findings of the first. */
  readonly scan: { readonly completedOn: string; readonly findings: Findings } | null;
  /** The earliest completion date of any scan in the year: from then on a plan could rest on a scan. */
  readonly firstScanOn: string | null;
  /** Active choices by code, in the order they were chosen. */
  readonly activeChoices: ReadonlyMap<string, ActiveChoice>;
  /** Every code ever chosen in the year, including those withdrawn since. */
  readonly everChosen: ReadonlySet<string>;
  /** Counts plan changes (choices and withdrawals); MR consent is given to one version. */
  readonly planVersion: number;
  readonly lastDecision: MrDecisionRecord | null;
  readonly allocations: readonly { readonly amountCents: number; readonly basis: string }[];
  /** The latest evaluation per code; a re-evaluation replaces the earlier one. */
  readonly evaluations: ReadonlyMap<string, Evaluation>;
}

export interface SchoolState {
  readonly details: SchoolDetails | null;
  /** The largest pupil count ever registered for the school: the bound of pupil counts it reports. */
  readonly peakPupils: number;
  readonly years: ReadonlyMap<string, SchoolYearState>;
}

export const initialSchoolState = (): SchoolState => ({ details: null, peakPupils: 0, years: new Map() });

export const emptySchoolYear: SchoolYearState = {
  scan: null,
  firstScanOn: null,
  activeChoices: new Map(),
  everChosen: new Set(),
  planVersion: 0,
  lastDecision: null,
  allocations: [],
  evaluations: new Map(),
};

export const yearOf = (state: SchoolState, schoolYear: string): SchoolYearState =>
  state.years.get(schoolYear) ?? emptySchoolYear;

/** Consent belongs to a plan version: any later change makes the plan need consent again. */
export const consentStatusOf = (year: SchoolYearState): ConsentStatus =>
  year.lastDecision !== null && year.lastDecision.planVersion === year.planVersion
    ? year.lastDecision.decision
    : 'needs-consent';

const withYear = (
  state: SchoolState,
  schoolYear: string,
  change: (year: SchoolYearState) => SchoolYearState,
): SchoolState => {
  const years = new Map(state.years);
  years.set(schoolYear, change(yearOf(state, schoolYear)));
  return { ...state, years };
};

const assertNever = (x: never): never => {
  throw new Error(`unhandled event ${JSON.stringify(x)}`);
};

/** Folds one event into the state. Pure; never refuses an event (the decider already did its checks). */
export function evolveSchool(state: SchoolState, event: NpoEventData): SchoolState {
  switch (event.type) {
    case 'npo.SchoolRegistered':
    case 'npo.SchoolDetailsChanged':
      return { ...state, details: event.data, peakPupils: Math.max(state.peakPupils, event.data.pupils) };
    case 'npo.ScanCompleted': {
      const { completedOn, findings } = event.data;
      return withYear(state, event.data.schoolYear, (y) => ({
        ...y,
        scan: { completedOn, findings },
        firstScanOn: y.firstScanOn === null || completedOn < y.firstScanOn ? completedOn : y.firstScanOn,
      }));
    }
    case 'npo.InterventionChosen': {
      const { code, targetDomains, plannedBudgetCents, pupilsReached } = event.data;
      return withYear(state, event.data.schoolYear, (y) => ({
        ...y,
        activeChoices: new Map(y.activeChoices).set(code, { code, targetDomains, plannedBudgetCents, pupilsReached }),
        everChosen: new Set(y.everChosen).add(code),
        planVersion: y.planVersion + 1,
      }));
    }
    case 'npo.InterventionWithdrawn':
      return withYear(state, event.data.schoolYear, (y) => {
        const activeChoices = new Map(y.activeChoices);
        activeChoices.delete(event.data.code);
        return { ...y, activeChoices, planVersion: y.planVersion + 1 };
      });
    case 'npo.MrApproved':
    case 'npo.MrRejected': {
      const decision: MrDecision = event.type === 'npo.MrApproved' ? 'approved' : 'rejected';
      const { planVersion, decidedOn } = event.data;
      return withYear(state, event.data.schoolYear, (y) => ({ ...y, lastDecision: { decision, planVersion, decidedOn } }));
    }
    case 'npo.FundsAllocated': {
      const { amountCents, basis } = event.data;
      return withYear(state, event.data.schoolYear, (y) => ({ ...y, allocations: [...y.allocations, { amountCents, basis }] }));
    }
    case 'npo.InterventionEvaluated': {
      const { code, implementedAsPlanned, experiencedEffect, measuredEffect } = event.data;
      const evaluation: Evaluation = {
        code,
        implementedAsPlanned,
        experiencedEffect,
        ...(measuredEffect === undefined ? {} : { measuredEffect }),
      };
      return withYear(state, event.data.schoolYear, (y) => ({
        ...y,
        evaluations: new Map(y.evaluations).set(code, evaluation),
      }));
    }
    case 'npo.GemeenteFundsAllocated':
      // Belongs to gemeente streams; a school stream never holds it.
      return state;
    default:
      return assertNever(event);
  }
}

export const foldSchool = (events: Iterable<NpoEventData>, from: SchoolState = initialSchoolState()): SchoolState => {
  let state = from;
  for (const e of events) state = evolveSchool(state, e);
  return state;
};
