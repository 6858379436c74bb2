import { describe, expect, it } from 'vitest';
import {
  eventContracts,
  FundsAllocated,
  GemeenteFundsAllocated,
  InterventionChosen,
  InterventionEvaluated,
  InterventionWithdrawn,
  isNpoEventType,
  MrApproved,
  MrRejected,
  npoEventTypes,
  ScanCompleted,
  SchoolDetailsChanged,
  SchoolRegistered,
  type NpoEventType,
} from './events.js';

const findings = {
  rekenen: 'severe',
  taal: 'mild',
  lezen: 'considerable',
  executieveFuncties: 'none',
  sociaalEmotioneel: 'mild',
  welbevinden: 'none',
};

/** A valid payload per type plus, per field, values that must be refused. */
const cases: Record<NpoEventType, { good: Record<string, unknown>; bad: Record<string, unknown[]> }> = {
  [SchoolRegistered]: {
    good: { brin: '16SW', name: 'De Regenboog', sector: 'bo', gemeente: 'GM0363', pupils: 212, achterstandsscore: 31.4 },
    bad: {
      brin: ['16sw', 16],
      name: ['', '   ', 'x'.repeat(201)],
      sector: ['mbo', 'BO'],
      gemeente: ['0363'],
      pupils: [-1, 2.5],
      achterstandsscore: [-0.1, '3'],
    },
  },
  [SchoolDetailsChanged]: {
    good: { brin: '16SW03', name: 'De Regenboog', sector: 'sbo', gemeente: 'GM1963', pupils: 0, achterstandsscore: 0 },
    bad: { brin: ['16SW3'], sector: [null], gemeente: ['GM03'], pupils: [null] },
  },
  [ScanCompleted]: {
    good: { brin: '16SW', schoolYear: '2021-2022', completedOn: '2021-04-20', findings },
    bad: {
      schoolYear: ['2021-2023', '2021'],
      completedOn: ['20-04-2021', '2021-02-30'],
      findings: [{ ...findings, rekenen: 'high' }, { ...findings, welbevinden: undefined }, 'severe'],
    },
  },
  [InterventionChosen]: {
    good: {
      brin: '16SW',
      schoolYear: '2021-2022',
      code: 'B3',
      targetDomains: ['rekenen', 'taal'],
      plannedBudgetCents: 4_500_000,
      pupilsReached: 40,
    },
    bad: {
      code: ['Z1', 'b3'],
      targetDomains: [[], ['rekenen', 'rekenen'], 'rekenen'],
      plannedBudgetCents: [0, -5, 10.5],
      pupilsReached: [0, 1.5],
    },
  },
  [InterventionWithdrawn]: {
    good: { brin: '16SW', schoolYear: '2022-2023', code: 'F1', reason: 'Geen personeel gevonden' },
    bad: { reason: ['', 'x'.repeat(501)], code: ['F'] },
  },
  [MrApproved]: {
    good: { brin: '16SW', schoolYear: '2021-2022', planVersion: 3, decidedOn: '2021-07-01' },
    bad: { planVersion: [-1, 1.5, '3'], decidedOn: ['2021-07-01T00:00:00Z'] },
  },
  [MrRejected]: {
    good: { brin: '16SW', schoolYear: '2021-2022', planVersion: 0, decidedOn: '2021-07-01' },
    bad: { schoolYear: ['2021-2020'], planVersion: [null] },
  },
  [FundsAllocated]: {
    good: { brin: '16SW', schoolYear: '2021-2022', amountCents: 18_000_000, basis: 'NPO 2021-2022 per leerling' },
    bad: { amountCents: [0, -1, 0.5, Number.MAX_SAFE_INTEGER + 1], basis: [''] },
  },
  [GemeenteFundsAllocated]: {
    good: { gemeente: 'GM0363', schoolYear: '2021-2022', amountCents: 1, basis: 'Specifieke uitkering NPO' },
    bad: { gemeente: ['GM363', '16SW'], amountCents: [0] },
  },
  [InterventionEvaluated]: {
    good: {
      brin: '16SW',
      schoolYear: '2021-2022',
      code: 'B3',
      implementedAsPlanned: 'partly',
      experiencedEffect: 4,
      measuredEffect: { effectSize: 0.21, pupils: 38, instrument: 'Cito LOVS rekenen' },
    },
    bad: {
      implementedAsPlanned: ['maybe'],
      experiencedEffect: [0, 6, 3.5],
      measuredEffect: [
        { effectSize: 0.2, pupils: 0, instrument: 'x' },
        { effectSize: 'large', pupils: 3, instrument: 'x' },
        { effectSize: 0.2, pupils: 3, instrument: '' },
        { effectSize: 0.2, pupils: 3 },
      ],
    },
  },
};

describe.each(npoEventTypes)('%s', (type) => {
  const { schema } = eventContracts[type];
  const { good, bad } = cases[type];

  it('accepts a realistic payload', () => {
    expect(schema.safeParse(good).error).toBeUndefined();
  });

  it.each(Object.keys(good).filter((k) => k !== 'measuredEffect'))('requires %s', (field) => {
    const { [field]: _dropped, ...rest } = good;
    expect(schema.safeParse(rest).success).toBe(false);
  });

  const badCases = Object.entries(bad).flatMap(([field, values]) => values.map((v) => [field, v] as const));
  it.each(badCases)('rejects %s = %j', (field, value) => {
    const result = schema.safeParse({ ...good, [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((i) => i.path[0] === field)).toBe(true);
  });
});

describe('registry', () => {
  it('covers exactly the v1 event catalogue', () => {
    expect(new Set(npoEventTypes)).toEqual(
      new Set([
        'npo.SchoolRegistered',
        'npo.SchoolDetailsChanged',
        'npo.ScanCompleted',
        'npo.InterventionChosen',
        'npo.InterventionWithdrawn',
        'npo.MrApproved',
        'npo.MrRejected',
        'npo.FundsAllocated',
        'npo.GemeenteFundsAllocated',
        'npo.InterventionEvaluated',
      ]),
    );
  });
  it('recognises only registered names', () => {
    expect(isNpoEventType('npo.ScanCompleted')).toBe(true);
    expect(isNpoEventType('ScanCompleted')).toBe(false);
    expect(isNpoEventType('toString')).toBe(false);
  });
  it('lets an optional measuredEffect be absent', () => {
    const { measuredEffect: _m, ...withoutMeasured } = cases[InterventionEvaluated].good;
    expect(eventContracts[InterventionEvaluated].schema.safeParse(withoutMeasured).success).toBe(true);
  });
  it('tolerates fields added by a newer producer and drops them', () => {
    const parsed = eventContracts[MrApproved].schema.parse({ ...cases[MrApproved].good, note: 'extra' });
    expect(parsed).not.toHaveProperty('note');
  });
  it('tolerates them inside findings and measuredEffect too (only request bodies are strict there)', () => {
    const scan = eventContracts[ScanCompleted].schema.parse({ ...cases[ScanCompleted].good, findings: { ...findings, sport: 'mild' } });
    expect(scan.findings).toEqual(findings);
    const { good } = cases[InterventionEvaluated];
    const measured = good['measuredEffect'] as Record<string, unknown>;
    const evaluation = eventContracts[InterventionEvaluated].schema.parse({ ...good, measuredEffect: { ...measured, sd: 1.1 } });
    expect(evaluation.measuredEffect).toEqual(measured);
  });
});
