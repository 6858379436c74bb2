import { describe, expect, it } from 'vitest';
import { decodeEvent, validateEventData } from './decode.js';

const envelope = (type: string, schemaVersion: number, data: unknown) => ({
  id: '01936f6e-8c2a-7cc1-9b1e-3f2a4c5d6e7f',
  type,
  schemaVersion,
  streamId: 'school-16SW',
  streamPosition: 1,
  globalPosition: 42,
  occurredAt: '2021-05-12T09:30:00.000Z',
  recordedAt: '2021-05-12T09:30:00.012Z',
  data,
  metadata: {
    correlationId: 'c-1',
    causationId: null,
    actor: { role: 'school', id: '16SW' },
    idempotencyKey: null,
  },
});

const v1Chosen = {
  brin: '16SW',
  schoolYear: '2021-2022',
  code: 'A3',
  targetDomain: 'lezen',
  plannedBudgetCents: 900_000,
  pupilsReached: 30,
};

describe('decodeEvent', () => {
  it('upcasts an old InterventionChosen and returns it as the current version', () => {
    const result = decodeEvent(envelope('npo.InterventionChosen', 1, v1Chosen));
    expect(result.ok).toBe(true);
    if (!result.ok || result.event.type !== 'npo.InterventionChosen') throw new Error('expected InterventionChosen');
    expect(result.event.schemaVersion).toBe(2);
    expect(result.event.data.targetDomains).toEqual(['lezen']);
    expect(result.event.globalPosition).toBe(42);
    expect(result.event.metadata.actor).toEqual({ role: 'school', id: '16SW' });
  });

  it('accepts a current-version event as is', () => {
    const data = { brin: '16SW', schoolYear: '2021-2022', planVersion: 2, decidedOn: '2021-06-30' };
    const result = decodeEvent(envelope('npo.MrApproved', 1, data));
    expect(result).toMatchObject({ ok: true, event: { type: 'npo.MrApproved', data } });
  });

  it.each([
    ['an unknown type', envelope('npo.Unknown', 1, {}), /unknown event type/],
    ['a future version', envelope('npo.ScanCompleted', 2, {}), /newer/],
    ['a bad envelope', { ...envelope('npo.MrApproved', 1, {}), id: 'not-a-uuid' }, /invalid envelope: id/],
    ['not an object', 'npo.MrApproved', /invalid envelope/],
    [
      'data that breaks the current schema',
      envelope('npo.FundsAllocated', 1, { brin: '16SW', schoolYear: '2021-2022', amountCents: 0, basis: 'x' }),
      /npo.FundsAllocated: invalid data: amountCents/,
    ],
    [
      'an upcast that still breaks the current schema',
      envelope('npo.InterventionChosen', 1, { ...v1Chosen, code: 'Q9' }),
      /code/,
    ],
  ])('quarantines %s with a reason', (_label, raw, reason) => {
    const result = decodeEvent(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('can skip envelope validation for a trusted store but still checks the data', () => {
    const raw = { ...envelope('npo.InterventionChosen', 1, v1Chosen), id: 'store-local-id' };
    expect(decodeEvent(raw).ok).toBe(false);
    expect(decodeEvent(raw, { validateEnvelope: false }).ok).toBe(true);
    expect(decodeEvent(null, { validateEnvelope: false }).ok).toBe(false);
  });
});

describe('validateEventData', () => {
  it('returns the typed event or a reason', () => {
    const ok = validateEventData('npo.GemeenteFundsAllocated', {
      gemeente: 'GM0363',
      schoolYear: '2021-2022',
      amountCents: 5,
      basis: 'SPUK',
    });
    expect(ok.ok).toBe(true);
    const bad = validateEventData('npo.GemeenteFundsAllocated', { gemeente: 'GM0363' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/schoolYear/);
  });
});
