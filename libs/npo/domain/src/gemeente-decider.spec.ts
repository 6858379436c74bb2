import { describe, expect, it } from 'vitest';
import { cmd, givenGemeente, schoolActor } from './decider.test-support.js';
import { evolveGemeente, gemeenteAllocationTotals, initialGemeenteState } from './gemeente-decider.js';

const allocated = (gemeente: string, schoolYear: string, amountCents: number) =>
  ({ type: 'npo.GemeenteFundsAllocated', data: { gemeente, schoolYear, amountCents, basis: 'Specifieke uitkering NPO' } }) as const;

describe('gemeente decider', () => {
  it('records an allocation by ocw, also on a fresh stream (gemeenten are not registered)', () => {
    givenGemeente().when(cmd.allocateGemeente('GM0363', '2021-2022', 5_000_000)).then([allocated('GM0363', '2021-2022', 5_000_000)]);
  });
  it('allows further tranches in the same year', () => {
    givenGemeente(allocated('GM0363', '2021-2022', 100))
      .when(cmd.allocateGemeente('GM0363', '2021-2022', 200))
      .then([allocated('GM0363', '2021-2022', 200)]);
  });
  it('refuses a non-ocw actor [allocation-requires-ocw]', () => {
    givenGemeente().when(cmd.allocateGemeente('GM0363', '2021-2022', 100, schoolActor)).thenThrows('allocation-requires-ocw');
  });
  it.each([0, -1, 0.25])('refuses %d cents [amount-not-positive-cents]', (amount) => {
    givenGemeente().when(cmd.allocateGemeente('GM0363', '2021-2022', amount)).thenThrows('amount-not-positive-cents');
  });
  it("refuses a tranche that takes the year's total past 2^53 - 1 cents [total-beyond-exact-cents]", () => {
    const nearlyAll = Number.MAX_SAFE_INTEGER - 10;
    givenGemeente(allocated('GM0363', '2021-2022', nearlyAll)).when(cmd.allocateGemeente('GM0363', '2021-2022', 11)).thenThrows('total-beyond-exact-cents');
    givenGemeente(allocated('GM0363', '2021-2022', nearlyAll)).when(cmd.allocateGemeente('GM0363', '2021-2022', 10)).then([allocated('GM0363', '2021-2022', 10)]);
    givenGemeente(allocated('GM0363', '2021-2022', nearlyAll)).when(cmd.allocateGemeente('GM0363', '2022-2023', 11)).then([allocated('GM0363', '2022-2023', 11)]);
  });
  it('refuses a year outside the programme [school-year-outside-programme]', () => {
    givenGemeente().when(cmd.allocateGemeente('GM0363', '2025-2026', 100)).thenThrows('school-year-outside-programme');
  });
  it('refuses another gemeente on this stream [stream-mismatch]', () => {
    givenGemeente(allocated('GM0363', '2021-2022', 100)).when(cmd.allocateGemeente('GM0344', '2021-2022', 100)).thenThrows('stream-mismatch');
  });
  it('refuses a malformed gemeente code [invalid-command]', () => {
    givenGemeente().when(cmd.allocateGemeente('0363', '2021-2022', 100)).thenThrows('invalid-command');
  });
  it('sums allocations per school year', () => {
    const state = [allocated('GM0363', '2021-2022', 100), allocated('GM0363', '2021-2022', 250), allocated('GM0363', '2022-2023', 7)].reduce(
      evolveGemeente,
      initialGemeenteState(),
    );
    expect(gemeenteAllocationTotals(state)).toEqual({ '2021-2022': 350, '2022-2023': 7 });
  });
});
