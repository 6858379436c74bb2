import type { Actor, Findings, NpoEventData, SchoolDetails } from '@npo/contracts';
import { expect } from 'vitest';
import type {
  AllocateFunds,
  AllocateGemeenteFunds,
  ChangeSchoolDetails,
  ChooseIntervention,
  CompleteScan,
  DecideContext,
  DecideMr,
  EvaluateIntervention,
  GemeenteCommand,
  RegisterSchool,
  SchoolCommand,
  WithdrawIntervention,
} from './commands.js';
import { decideGemeente, evolveGemeente, initialGemeenteState } from './gemeente-decider.js';
import { DomainRuleViolation, type DomainRule } from './rules.js';
import { decideSchool } from './school-decider.js';
import { evolveSchool, initialSchoolState } from './school-state.js';

interface Decider<C, S> {
  readonly decide: (command: C, state: S, context: DecideContext) => readonly NpoEventData[];
  readonly evolve: (state: S, event: NpoEventData) => S;
  readonly initialState: () => S;
}

/** A late default so that past dates in specs are never "in the future" unless a spec says so. */
export const defaultNow = '2025-06-01T12:00:00Z';

/**
 * given(history).when(command).then(newEvents) / .thenNothing() / .thenThrows(ruleId).
 * The history is folded with the decider's own evolve, as the application does on load.
 */
export function specFor<C, S>(decider: Decider<C, S>) {
  return (...history: NpoEventData[]) => ({
    when(command: C, context: DecideContext = { now: defaultNow }) {
      const state = history.reduce(decider.evolve, decider.initialState());
      const run = () => decider.decide(command, state, context);
      return {
        then(expected: readonly NpoEventData[]): void {
          expect(run()).toEqual(expected);
        },
        thenNothing(): void {
          expect(run()).toEqual([]);
        },
        thenThrows(rule: DomainRule): void {
          let caught: unknown;
          try {
            run();
          } catch (err) {
            caught = err;
          }
          expect(caught, `expected rule ${rule} to be broken`).toBeInstanceOf(DomainRuleViolation);
          expect((caught as DomainRuleViolation).rule).toBe(rule);
          expect((caught as DomainRuleViolation).message.length).toBeGreaterThan(0);
        },
      };
    },
  });
}

export const given = specFor<SchoolCommand, ReturnType<typeof initialSchoolState>>({
  decide: decideSchool,
  evolve: evolveSchool,
  initialState: initialSchoolState,
});

export const givenGemeente = specFor<GemeenteCommand, ReturnType<typeof initialGemeenteState>>({
  decide: (c, s) => decideGemeente(c, s),
  evolve: evolveGemeente,
  initialState: initialGemeenteState,
});

// ---- fixtures -------------------------------------------------------------------------------------

export const BRIN = '16SW';
export const schoolActor: Actor = { role: 'school', id: BRIN };
export const ocwActor: Actor = { role: 'ocw', id: 'ocw-dus-i' };

export const details: SchoolDetails = {
  brin: BRIN,
  name: 'OBS De Regenboog',
  sector: 'bo',
  gemeente: 'GM0363',
  pupils: 212,
  achterstandsscore: 31.4,
};

export const findings: Findings = {
  rekenen: 'severe',
  taal: 'mild',
  lezen: 'considerable',
  executieveFuncties: 'none',
  sociaalEmotioneel: 'mild',
  welbevinden: 'none',
};

export const ev = {
  registered: (over: Partial<SchoolDetails> = {}): NpoEventData => ({
    type: 'npo.SchoolRegistered',
    data: { ...details, ...over },
  }),
  scanned: (schoolYear: string, completedOn = `${schoolYear.slice(0, 4)}-04-20`): NpoEventData => ({
    type: 'npo.ScanCompleted',
    data: { brin: BRIN, schoolYear, completedOn, findings },
  }),
  chosen: (schoolYear: string, code: string, plannedBudgetCents = 1_000_000): NpoEventData => ({
    type: 'npo.InterventionChosen',
    data: { brin: BRIN, schoolYear, code, targetDomains: ['rekenen'], plannedBudgetCents, pupilsReached: 25 },
  }),
  withdrawn: (schoolYear: string, code: string): NpoEventData => ({
    type: 'npo.InterventionWithdrawn',
    data: { brin: BRIN, schoolYear, code, reason: 'Geen personeel' },
  }),
  approved: (schoolYear: string, planVersion: number, decidedOn = `${schoolYear.slice(0, 4)}-07-01`): NpoEventData => ({
    type: 'npo.MrApproved',
    data: { brin: BRIN, schoolYear, planVersion, decidedOn },
  }),
  rejected: (schoolYear: string, planVersion: number, decidedOn = `${schoolYear.slice(0, 4)}-07-01`): NpoEventData => ({
    type: 'npo.MrRejected',
    data: { brin: BRIN, schoolYear, planVersion, decidedOn },
  }),
};

export const cmd = {
  register: (over: Partial<SchoolDetails> = {}, actor: Actor = ocwActor): RegisterSchool => ({
    type: 'RegisterSchool',
    data: { ...details, ...over },
    actor,
  }),
  changeDetails: (over: Partial<SchoolDetails> = {}): ChangeSchoolDetails => ({
    type: 'ChangeSchoolDetails',
    data: { ...details, ...over },
    actor: ocwActor,
  }),
  scan: (schoolYear: string, completedOn = `${schoolYear.slice(0, 4)}-04-20`): CompleteScan => ({
    type: 'CompleteScan',
    data: { brin: BRIN, schoolYear, completedOn, findings },
    actor: schoolActor,
  }),
  choose: (schoolYear: string, code: string, plannedBudgetCents = 1_000_000): ChooseIntervention => ({
    type: 'ChooseIntervention',
    data: { brin: BRIN, schoolYear, code, targetDomains: ['rekenen'], plannedBudgetCents, pupilsReached: 25 },
    actor: schoolActor,
  }),
  withdraw: (schoolYear: string, code: string): WithdrawIntervention => ({
    type: 'WithdrawIntervention',
    data: { brin: BRIN, schoolYear, code, reason: 'Geen personeel' },
    actor: schoolActor,
  }),
  mr: (schoolYear: string, decision: 'approved' | 'rejected', decidedOn = `${schoolYear.slice(0, 4)}-07-01`): DecideMr => ({
    type: 'DecideMr',
    data: { brin: BRIN, schoolYear, decision, decidedOn },
    actor: schoolActor,
  }),
  allocate: (schoolYear: string, amountCents: number, actor: Actor = ocwActor): AllocateFunds => ({
    type: 'AllocateFunds',
    data: { brin: BRIN, schoolYear, amountCents, basis: 'NPO per leerling' },
    actor,
  }),
  evaluate: (schoolYear: string, code: string): EvaluateIntervention => ({
    type: 'EvaluateIntervention',
    data: { brin: BRIN, schoolYear, code, implementedAsPlanned: 'partly', experiencedEffect: 4 },
    actor: schoolActor,
  }),
  allocateGemeente: (gemeente: string, schoolYear: string, amountCents: number, actor: Actor = ocwActor): AllocateGemeenteFunds => ({
    type: 'AllocateGemeenteFunds',
    data: { gemeente, schoolYear, amountCents, basis: 'Specifieke uitkering NPO' },
    actor,
  }),
};
