import { validateEventData, type NpoEventData, type NpoSchoolEventData, type SchoolDetails } from '@npo/contracts';
import { latestTodayAt, scanWindowStart, schoolYearEnd } from './calendar.js';
import type { DecideContext, SchoolCommand } from './commands.js';
import { categoryOf, isCodeInEdition, isProgrammeSchoolYear, menukaartEditionFor } from './menukaart.js';
import { DomainRuleViolation } from './rules.js';
import { consentStatusOf, evolveSchool, initialSchoolState, yearOf, type SchoolState } from './school-state.js';

const sameDetails = (a: SchoolDetails, b: SchoolDetails): boolean =>
  a.brin === b.brin &&
  a.name === b.name &&
  a.sector === b.sector &&
  a.gemeente === b.gemeente &&
  a.pupils === b.pupils &&
  a.achterstandsscore === b.achterstandsscore;

const isPositiveCents = (n: number): boolean => Number.isSafeInteger(n) && n > 0;

const isAtoE = (code: string): boolean => {
  const category = categoryOf(code);
  return category !== undefined && category !== 'F';
};

function requireRegistered(state: SchoolState, brin: string): SchoolDetails {
  if (state.details === null) throw new DomainRuleViolation('school-not-registered', `School ${brin} is not registered.`);
  if (state.details.brin !== brin) {
    throw new DomainRuleViolation('stream-mismatch', `Command for ${brin} decided on the stream of ${state.details.brin}.`);
  }
  return state.details;
}

function requireProgrammeYear(schoolYear: string): void {
  if (!isProgrammeSchoolYear(schoolYear)) {
    throw new DomainRuleViolation('school-year-outside-programme', `${schoolYear} is not an NPO programme year.`);
  }
}

function requireNotAfterToday(date: string, what: string, context: DecideContext): void {
  if (date > latestTodayAt(context.now)) {
    throw new DomainRuleViolation('date-in-future', `${what} ${date} lies after today.`);
  }
}

/**
 * Pupils an intervention reaches or an evaluation measured are pupils of this school, so no more than
 * it has had. The bound is the largest count registered, not the latest: counts are updated each
 * autumn and drift a few percent, while a plan is made in spring on last year's count and an
 * evaluation in June measures pupils of whom some have left since. Against the latest count such
 * honest reports (the simulator makes them) would be refused; 999999 at a school of 167 still is.
 */
function requireWithinSchool(pupils: number, what: string, state: SchoolState, brin: string): void {
  if (pupils > state.peakPupils) {
    throw new DomainRuleViolation('pupils-exceed-school', `${what} ${pupils} exceeds the ${state.peakPupils} pupils ever registered for ${brin}.`);
  }
}

function requirePositiveCents(n: number, what: string): void {
  if (!isPositiveCents(n)) {
    throw new DomainRuleViolation('amount-not-positive-cents', `${what} must be positive whole cents, got ${String(n)}.`);
  }
}

/**
 * Each amount fits the wire contract on its own, but the plan view and the reports add them up: past
 * 2^53 - 1 cents a double can no longer hold the total exactly (and the view broke its own schema).
 */
function requireExactTotal(amounts: Iterable<number>, adding: number, what: string, schoolYear: string): void {
  let total = adding;
  for (const a of amounts) total += a;
  if (total > Number.MAX_SAFE_INTEGER) {
    throw new DomainRuleViolation('total-beyond-exact-cents', `${what} for ${schoolYear} would exceed ${Number.MAX_SAFE_INTEGER} cents, more than a report can state exactly.`);
  }
}

/** The final guard: whatever the rules let through must still satisfy the wire contract. */
function checked(events: readonly NpoSchoolEventData[]): NpoSchoolEventData[] {
  return events.map((e) => {
    const result = validateEventData(e.type, e.data);
    if (!result.ok) throw new DomainRuleViolation('invalid-command', result.reason);
    return result.event as NpoSchoolEventData;
  });
}

const assertNever = (x: never): never => {
  throw new Error(`unhandled command ${JSON.stringify(x)}`);
};

/**
 * Decides a school command on the state of stream `school-<BRIN>`. Returns the events to append (maybe
 * none, for a repeat that changes nothing) or throws DomainRuleViolation.
 *
 * Choices made here beyond the list:
 * - An evaluation may concern a withdrawn intervention if it was chosen in that year: a stopped
 *   intervention that ran partly is exactly the evidence the platform wants ("implemented: no/partly").
 *   A re-evaluation replaces the earlier one.
 * - A second scan in a year is accepted and replaces the findings; it does not touch the plan version,
 *   because MR consent is about the chosen interventions, not about the analysis.
 * - An MR decision equal to the latest one on the same plan version is a repeat and yields no event.
 *
 * Dates have a window on both sides, so a typo (0000-01-01, a year off) is refused rather than stored:
 * - a scan for year Y/Y+1 lies between 1 August Y-1 (schools scan in the spring before the year) and
 *   31 July Y+1, and not after today;
 * - an MR decision lies between the first scan of that year (the plan rests on the scan) and today.
 */
export function decideSchool(command: SchoolCommand, state: SchoolState, context: DecideContext): NpoSchoolEventData[] {
  switch (command.type) {
    case 'RegisterSchool':
    case 'ChangeSchoolDetails': {
      const details = command.data;
      if (state.details === null) {
        if (command.type === 'ChangeSchoolDetails') requireRegistered(state, details.brin);
        return checked([{ type: 'npo.SchoolRegistered', data: details }]);
      }
      requireRegistered(state, details.brin);
      // Compare what would be stored (names trimmed), so a re-sent PUT is recognised as the same.
      const [normalised] = checked([{ type: 'npo.SchoolDetailsChanged', data: details }]);
      if (normalised === undefined || sameDetails(state.details, normalised.data as SchoolDetails)) return [];
      return [normalised];
    }

    case 'CompleteScan': {
      const { brin, schoolYear, completedOn } = command.data;
      requireRegistered(state, brin);
      requireProgrammeYear(schoolYear);
      if (completedOn > schoolYearEnd(schoolYear)) {
        throw new DomainRuleViolation('scan-after-school-year', `A scan for ${schoolYear} must be completed by ${schoolYearEnd(schoolYear)}.`);
      }
      if (completedOn < scanWindowStart(schoolYear)) {
        throw new DomainRuleViolation('scan-before-window', `A scan for ${schoolYear} cannot be completed before ${scanWindowStart(schoolYear)}.`);
      }
      requireNotAfterToday(completedOn, 'Scan date', context);
      return checked([{ type: 'npo.ScanCompleted', data: command.data }]);
    }

    case 'ChooseIntervention': {
      const { brin, schoolYear, code, plannedBudgetCents, pupilsReached } = command.data;
      requireRegistered(state, brin);
      requireProgrammeYear(schoolYear);
      const edition = menukaartEditionFor(schoolYear);
      if (edition === undefined || !isCodeInEdition(code, edition)) {
        throw new DomainRuleViolation('menukaart-code-unknown', `${code} is not on the ${edition ?? ''} menukaart that applies to ${schoolYear}.`);
      }
      const year = yearOf(state, schoolYear);
      if (year.activeChoices.has(code)) {
        throw new DomainRuleViolation('duplicate-active-choice', `${code} is already chosen for ${schoolYear}.`);
      }
      if (categoryOf(code) === 'F' && ![...year.activeChoices.keys()].some(isAtoE)) {
        throw new DomainRuleViolation('category-f-needs-a-to-e', `${code} (category F) needs an active A-E choice in ${schoolYear}.`);
      }
      requirePositiveCents(plannedBudgetCents, 'plannedBudgetCents');
      requireExactTotal([...year.activeChoices.values()].map((c) => c.plannedBudgetCents), plannedBudgetCents, 'The planned budget', schoolYear);
      requireWithinSchool(pupilsReached, 'pupilsReached', state, brin);
      return checked([{ type: 'npo.InterventionChosen', data: command.data }]);
    }

    case 'WithdrawIntervention': {
      const { brin, schoolYear, code } = command.data;
      requireRegistered(state, brin);
      requireProgrammeYear(schoolYear);
      const year = yearOf(state, schoolYear);
      if (!year.activeChoices.has(code)) {
        throw new DomainRuleViolation('choice-not-active', `${code} is not an active choice for ${schoolYear}.`);
      }
      if (isAtoE(code)) {
        const remaining = [...year.activeChoices.keys()].filter((c) => c !== code);
        if (!remaining.some(isAtoE) && remaining.some((c) => categoryOf(c) === 'F')) {
          throw new DomainRuleViolation(
            'withdraw-leaves-f-alone',
            `${code} is the last A-E choice for ${schoolYear}; withdraw the F choices first.`,
          );
        }
      }
      return checked([{ type: 'npo.InterventionWithdrawn', data: command.data }]);
    }

    case 'DecideMr': {
      const { brin, schoolYear, decision, decidedOn } = command.data;
      requireRegistered(state, brin);
      requireProgrammeYear(schoolYear);
      const year = yearOf(state, schoolYear);
      if (year.scan === null || year.firstScanOn === null) throw new DomainRuleViolation('mr-needs-scan', `No scan completed for ${schoolYear}.`);
      if (year.activeChoices.size === 0) {
        throw new DomainRuleViolation('mr-needs-active-choice', `No active intervention for ${schoolYear}.`);
      }
      requireNotAfterToday(decidedOn, 'MR decision date', context);
      // The first scan, not the latest: a rescan replaces findings but leaves a decision taken on the
      // earlier scan valid, and a decision recorded late may well predate the rescan.
      if (decidedOn < year.firstScanOn) {
        throw new DomainRuleViolation('mr-decision-before-scan', `The MR decision of ${decidedOn} predates the first scan for ${schoolYear} (${year.firstScanOn}).`);
      }
      if (consentStatusOf(year) === decision) return [];
      const data = { brin, schoolYear, planVersion: year.planVersion, decidedOn };
      return checked([decision === 'approved' ? { type: 'npo.MrApproved', data } : { type: 'npo.MrRejected', data }]);
    }

    case 'AllocateFunds': {
      const { brin, schoolYear, amountCents } = command.data;
      requireRegistered(state, brin);
      requireProgrammeYear(schoolYear);
      if (command.actor.role !== 'ocw') {
        throw new DomainRuleViolation('allocation-requires-ocw', `Role ${command.actor.role} cannot allocate funds.`);
      }
      requirePositiveCents(amountCents, 'amountCents');
      requireExactTotal(yearOf(state, schoolYear).allocations.map((a) => a.amountCents), amountCents, 'The allocations', schoolYear);
      return checked([{ type: 'npo.FundsAllocated', data: command.data }]);
    }

    case 'EvaluateIntervention': {
      const { brin, schoolYear, code, measuredEffect } = command.data;
      requireRegistered(state, brin);
      requireProgrammeYear(schoolYear);
      if (!yearOf(state, schoolYear).everChosen.has(code)) {
        throw new DomainRuleViolation('evaluation-needs-chosen-intervention', `${code} was not chosen in ${schoolYear}.`);
      }
      if (measuredEffect !== undefined) requireWithinSchool(measuredEffect.pupils, 'measuredEffect.pupils', state, brin);
      return checked([{ type: 'npo.InterventionEvaluated', data: command.data }]);
    }

    default:
      return assertNever(command);
  }
}

/** The school decider as one value, emmett style. Stream: `school-<BRIN>`. */
export const schoolDecider = {
  decide: decideSchool,
  evolve: evolveSchool as (state: SchoolState, event: NpoEventData) => SchoolState,
  initialState: initialSchoolState,
} as const;
