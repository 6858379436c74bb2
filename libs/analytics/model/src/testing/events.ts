// Builds realistic NPO events for integration tests and appends them to a real event store.
import { gemeenteStreamId, schoolStreamId, type NewEvent, type SchoolDetails } from '@npo/contracts';
import type { EventStore } from '@npo/event-store';
import { v7 } from 'uuid';

export interface Step {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
  readonly occurredAt: string;
  readonly schemaVersion?: number;
}

const currentVersions: Record<string, number> = { 'npo.InterventionChosen': 2 };

export const toNewEvent = (step: Step): NewEvent => ({
  id: v7(),
  type: step.type,
  schemaVersion: step.schemaVersion ?? currentVersions[step.type] ?? 1,
  occurredAt: step.occurredAt,
  data: step.data,
  metadata: { correlationId: v7(), causationId: null, actor: { role: 'system', id: 'analytics-test' }, idempotencyKey: null },
});

/** Appends each step as its own append (like the API does), in order. */
export async function appendSteps(store: EventStore, steps: readonly Step[]): Promise<void> {
  for (const step of steps) await store.append(step.streamId, [toNewEvent(step)], { expectedVersion: 'any' });
}

const at = (date: string): string => (date.length === 10 ? `${date}T10:00:00.000Z` : date);

/** Step helpers named after the events. `on` is a date (10:00 UTC that day) or a full instant. */
export const ev = {
  registered: (details: SchoolDetails, on: string): Step => ({ streamId: schoolStreamId(details.brin), type: 'npo.SchoolRegistered', data: details, occurredAt: at(on) }),
  detailsChanged: (details: SchoolDetails, on: string): Step => ({
    streamId: schoolStreamId(details.brin),
    type: 'npo.SchoolDetailsChanged',
    data: details,
    occurredAt: at(on),
  }),
  scan: (brin: string, schoolYear: string, on: string, levels: Partial<Record<string, string>> = {}): Step => ({
    streamId: schoolStreamId(brin),
    type: 'npo.ScanCompleted',
    data: {
      brin,
      schoolYear,
      completedOn: on.slice(0, 10),
      findings: {
        rekenen: 'mild',
        taal: 'none',
        lezen: 'considerable',
        executieveFuncties: 'none',
        sociaalEmotioneel: 'severe',
        welbevinden: 'mild',
        ...levels,
      },
    },
    occurredAt: at(on),
  }),
  chosen: (brin: string, schoolYear: string, code: string, plannedBudgetCents: number, on: string, pupilsReached = 40): Step => ({
    streamId: schoolStreamId(brin),
    type: 'npo.InterventionChosen',
    data: { brin, schoolYear, code, targetDomains: ['rekenen', 'lezen'], plannedBudgetCents, pupilsReached },
    occurredAt: at(on),
  }),
  chosenV1: (brin: string, schoolYear: string, code: string, plannedBudgetCents: number, on: string): Step => ({
    streamId: schoolStreamId(brin),
    type: 'npo.InterventionChosen',
    schemaVersion: 1,
    data: { brin, schoolYear, code, targetDomain: 'taal', plannedBudgetCents, pupilsReached: 25 },
    occurredAt: at(on),
  }),
  withdrawn: (brin: string, schoolYear: string, code: string, on: string): Step => ({
    streamId: schoolStreamId(brin),
    type: 'npo.InterventionWithdrawn',
    data: { brin, schoolYear, code, reason: 'Geen personeel beschikbaar' },
    occurredAt: at(on),
  }),
  mr: (brin: string, schoolYear: string, decision: 'approved' | 'rejected', planVersion: number, on: string): Step => ({
    streamId: schoolStreamId(brin),
    type: decision === 'approved' ? 'npo.MrApproved' : 'npo.MrRejected',
    data: { brin, schoolYear, planVersion, decidedOn: on.slice(0, 10) },
    occurredAt: at(on),
  }),
  funds: (brin: string, schoolYear: string, amountCents: number, on: string): Step => ({
    streamId: schoolStreamId(brin),
    type: 'npo.FundsAllocated',
    data: { brin, schoolYear, amountCents, basis: 'NPO-bekostiging per leerling' },
    occurredAt: at(on),
  }),
  gemeenteFunds: (gemeente: string, schoolYear: string, amountCents: number, on: string): Step => ({
    streamId: gemeenteStreamId(gemeente),
    type: 'npo.GemeenteFundsAllocated',
    data: { gemeente, schoolYear, amountCents, basis: 'Specifieke uitkering NPO' },
    occurredAt: at(on),
  }),
  evaluated: (
    brin: string,
    schoolYear: string,
    code: string,
    on: string,
    opts: { implementedAsPlanned?: 'yes' | 'partly' | 'no'; experiencedEffect?: number; measured?: { effectSize: number; pupils: number } } = {},
  ): Step => ({
    streamId: schoolStreamId(brin),
    type: 'npo.InterventionEvaluated',
    data: {
      brin,
      schoolYear,
      code,
      implementedAsPlanned: opts.implementedAsPlanned ?? 'yes',
      experiencedEffect: opts.experiencedEffect ?? 4,
      ...(opts.measured === undefined ? {} : { measuredEffect: { ...opts.measured, instrument: 'Cito rekenen-wiskunde' } }),
    },
    occurredAt: at(on),
  }),
  raw: (streamId: string, type: string, data: unknown, on: string, schemaVersion = 1): Step => ({ streamId, type, data, occurredAt: at(on), schemaVersion }),
};

export const school = (brin: string, gemeente: string, over: Partial<SchoolDetails> = {}): SchoolDetails => ({
  brin,
  name: `Basisschool ${brin}`,
  sector: 'bo',
  gemeente,
  pupils: 200,
  achterstandsscore: 30,
  ...over,
});
