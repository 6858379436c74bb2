import { describe, expect, it } from 'vitest';
import { dutchDate, lastEndedDay } from './release-service.js';

describe('Dutch calendar days', () => {
  it('are the day in Europe/Amsterdam, summer and winter time alike', () => {
    expect(dutchDate(new Date('2022-09-01T21:59:59Z'))).toBe('2022-09-01');
    expect(dutchDate(new Date('2022-09-01T22:00:00Z'))).toBe('2022-09-02');
    expect(dutchDate(new Date('2022-12-31T22:59:59Z'))).toBe('2022-12-31');
    expect(dutchDate(new Date('2022-12-31T23:00:00Z'))).toBe('2023-01-01');
  });

  it('give the last ended day across month ends and the clock changes', () => {
    expect(lastEndedDay(new Date('2023-03-01T00:30:00Z'))).toBe('2023-02-28');
    expect(lastEndedDay(new Date('2023-03-26T12:00:00Z'))).toBe('2023-03-25');
    expect(lastEndedDay(new Date('2023-10-29T23:30:00Z'))).toBe('2023-10-29');
    expect(lastEndedDay(new Date('2024-03-01T10:00:00Z'))).toBe('2024-02-29');
  });
});
