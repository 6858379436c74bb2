import { schoolPlanViewSchema } from '@npo/contracts';
import { describe, expect, it } from 'vitest';
import { details, ev } from './decider.test-support.js';
import { schoolPlanView } from './plan-view.js';
import { foldSchool, initialSchoolState } from './school-state.js';

const Y1 = '2021-2022';

const history = [
  ev.registered(),
  ev.scanned(Y1, '2021-04-20'),
  ev.chosen(Y1, 'B3', 2_000_000),
  ev.chosen(Y1, 'C2', 500_000),
  ev.chosen(Y1, 'A2', 300_000),
  ev.approved(Y1, 3),
  ev.withdrawn(Y1, 'C2'),
  { type: 'npo.FundsAllocated', data: { brin: '16SW', schoolYear: Y1, amountCents: 10_000_000, basis: 'tranche 1' } },
  { type: 'npo.FundsAllocated', data: { brin: '16SW', schoolYear: Y1, amountCents: 4_000_000, basis: 'tranche 2' } },
  ev.scanned('2022-2023', '2022-05-01'),
] as const;

describe('schoolPlanView', () => {
  it('is undefined for an unregistered school', () => {
    expect(schoolPlanView(initialSchoolState())).toBeUndefined();
  });

  it('shows each year: active choices in menukaart order, withdrawn codes, totals and consent', () => {
    const view = schoolPlanView(foldSchool(history));
    expect(view).toMatchObject({ ...details });
    const y1 = view?.years.find((y) => y.schoolYear === Y1);
    expect(y1?.activeChoices.map((c) => c.code)).toEqual(['A2', 'B3']);
    expect(y1?.withdrawnCodes).toEqual(['C2']);
    expect(y1?.plannedBudgetCents).toBe(2_300_000);
    expect(y1?.allocatedCents).toBe(14_000_000);
    expect(y1?.planVersion).toBe(4);
    expect(y1?.consent).toEqual({
      status: 'needs-consent',
      lastDecision: { decision: 'approved', planVersion: 3, decidedOn: '2021-07-01' },
    });
    expect(view?.years.map((y) => y.schoolYear)).toEqual([Y1, '2022-2023']);
  });

  it('hides scan findings unless asked (scan results do not go to the funder 1:1)', () => {
    const state = foldSchool(history);
    expect(schoolPlanView(state)?.years[0]?.scan).toEqual({ completedOn: '2021-04-20' });
    expect(schoolPlanView(state, { includeFindings: true })?.years[0]?.scan?.findings?.rekenen).toBe('severe');
  });

  it('satisfies the response schema the API documents', () => {
    const view = schoolPlanView(foldSchool(history), { includeFindings: true });
    expect(schoolPlanViewSchema.safeParse(view).error).toBeUndefined();
  });
});
