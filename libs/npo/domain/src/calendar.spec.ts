import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, daysFromCivil, latestTodayAt, scanWindowStart, schoolYearEnd, schoolYearStart } from './calendar.js';

describe('calendar', () => {
  it('counts days as Date does (Date.UTC agrees from year 100 on; years 0-99 too, which Date.UTC maps to 1900-1999)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (year, month, day) => {
        const date = new Date(0);
        date.setUTCFullYear(year, month - 1, day);
        expect(daysFromCivil(year, month, day)).toBe(date.getTime() / 86_400_000);
      }),
    );
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1, 1, 1)).toBe(-719_162);
  });

  it.each([
    ['2021-02-28', 1, '2021-03-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2021-12-31', 1, '2022-01-01'],
    ['2022-01-01', -1, '2021-12-31'],
    ['2021-04-20T23:30:00Z', 1, '2021-04-21'],
  ])('%s + %d = %s', (from, days, to) => expect(addDays(from, days)).toBe(to));

  it('agrees with the platform calendar for any date and offset', () => {
    // Date is fine in a spec: it is the oracle here, the domain code itself never reads it.
    const day = 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), fc.integer({ min: -2000, max: 2000 }), (start, delta) => {
        const from = new Date(start * day).toISOString().slice(0, 10);
        const expected = new Date((start + delta) * day).toISOString().slice(0, 10);
        return addDays(from, delta) === expected;
      }),
    );
  });

  it('rejects a string that is not a date', () => expect(() => addDays('yesterday', 1)).toThrow(RangeError));
  it('gives the latest acceptable "today" for a UTC instant', () => expect(latestTodayAt('2021-07-31T22:00:00Z')).toBe('2021-08-01'));
  it('knows the Dutch school year runs 1 August - 31 July', () => {
    expect(schoolYearStart('2021-2022')).toBe('2021-08-01');
    expect(schoolYearEnd('2021-2022')).toBe('2022-07-31');
  });
  it('opens the scan window on 1 August of the calendar year before the school year starts', () => {
    expect(scanWindowStart('2022-2023')).toBe('2021-08-01');
    expect(scanWindowStart('0001-0002')).toBe('0000-08-01');
  });
});
