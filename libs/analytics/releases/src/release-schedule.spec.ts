import { describe, expect, it } from 'vitest';
import { dueAsOf } from './release-schedule.js';

describe('dueAsOf monthly', () => {
  it('is the last day of the previous month in the Netherlands', () => {
    expect(dueAsOf('monthly', new Date('2022-09-01T12:00:00Z'))).toBe('2022-08-31');
    expect(dueAsOf('monthly', new Date('2022-09-30T12:00:00Z'))).toBe('2022-08-31');
    expect(dueAsOf('monthly', new Date('2024-03-15T12:00:00Z'))).toBe('2024-02-29');
    expect(dueAsOf('monthly', new Date('2023-01-01T00:30:00Z'))).toBe('2022-12-31');
  });

  it('turns over at Dutch midnight, not UTC midnight', () => {
    // 22:30 UTC on 30 September is already 1 October in the Netherlands (summer time): September has ended.
    expect(dueAsOf('monthly', new Date('2022-09-30T22:30:00Z'))).toBe('2022-09-30');
    expect(dueAsOf('monthly', new Date('2022-09-30T21:30:00Z'))).toBe('2022-08-31');
  });
});
