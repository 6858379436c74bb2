import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysFromCivil } from '@npo/domain';
import { parseInstant, parseIsoDate, parseUuidWords, utcInstant } from './typed-text.js';

const pad = (n: number, width: number): string => String(Math.abs(n)).padStart(width, '0');
const DAY_MS = 86_400_000;

describe('typed text', () => {
  it('reads any instant of the years 0000-9999 in any offset, to the microsecond, as the calendar counts it', () => {
    fc.assert(
      fc.property(
        fc.record({
          year: fc.integer({ min: 0, max: 9999 }),
          month: fc.integer({ min: 1, max: 12 }),
          day: fc.integer({ min: 1, max: 28 }),
          hour: fc.integer({ min: 0, max: 23 }),
          minute: fc.integer({ min: 0, max: 59 }),
          second: fc.integer({ min: 0, max: 59 }),
          fraction: fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 14 }),
          offsetMinutes: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
          colon: fc.boolean(),
        }),
        ({ year, month, day, hour, minute, second, fraction, offsetMinutes, colon }) => {
          const offset =
            offsetMinutes === 0 && colon ? 'Z' : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60), 2)}${colon ? ':' : ''}${pad(offsetMinutes % 60, 2)}`;
          const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction === '' ? '' : `.${fraction}`}${offset}`;
          // The oracle: Date's own calendar (setUTCFullYear, which, unlike Date.UTC, leaves years 0-99 alone) in BigInt.
          const local = new Date(0);
          local.setUTCFullYear(year, month - 1, day);
          local.setUTCHours(hour, minute, second, 0);
          const micros = (BigInt(local.getTime()) - BigInt(offsetMinutes) * 60_000n) * 1000n + BigInt(fraction.slice(0, 6).padEnd(6, '0'));
          const parsed = parseInstant(text);
          expect(parsed).not.toBeNull();
          expect(BigInt(parsed as number | bigint)).toBe(micros);
          const utc = utcInstant(text);
          if (utc !== null) expect(BigInt(parseInstant(utc) as number | bigint)).toBe(micros);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a UTC instant as it was written and converts any other offset to UTC', () => {
    expect(utcInstant('2021-05-12T09:30:00.5Z')).toBe('2021-05-12T09:30:00.5Z');
    expect(utcInstant('2022-03-24T00:00:00.000+01:00')).toBe('2022-03-23T23:00:00.000000Z');
    expect(utcInstant('2021-05-12T09:30:00.123456-0230')).toBe('2021-05-12T12:00:00.123456Z');
    expect(utcInstant('0001-01-01T00:30:00+01:00')).toBe('0000-12-31T23:30:00.000000Z');
    expect(utcInstant('0000-01-01T00:30:00+01:00')).toBeNull();
  });

  it('cuts digits below the microsecond, as DuckDB does, and leaves the double range for a bigint', () => {
    expect(parseInstant('1970-01-01T00:00:00.9999996Z')).toBe(999_999);
    expect(parseInstant('1970-01-01T00:00:01.12345678901234567890Z')).toBe(1_123_456);
    expect(parseInstant('1969-12-31T23:59:59.5Z')).toBe(-500_000);
    expect(parseInstant('9999-12-31T23:59:59.999999Z')).toBe(BigInt(Date.UTC(9999, 11, 31, 23, 59, 59)) * 1000n + 999_999n);
    expect(parseInstant('0001-01-01T00:00:00Z')).toBe(BigInt(daysFromCivil(1, 1, 1)) * 86_400n * 1_000_000n);
  });

  it.each([
    ['no seconds', '2021-01-01T00:00Z'],
    ['no offset', '2021-01-01T00:00:00'],
    ['a day February 2021 does not have', '2021-02-29T00:00:00Z'],
    ['day 31 of April', '2021-04-31T00:00:00Z'],
    ['hour 24', '2021-01-01T24:00:00Z'],
    ['a leap second', '2021-12-31T23:59:60Z'],
    ['an empty fraction', '2021-01-01T00:00:00.Z'],
    ['an offset of 24 hours', '2021-01-01T00:00:00+24:00'],
    ['text after the offset', '2021-01-01T00:00:00Zx'],
    ['a space for the T', '2021-01-01 00:00:00Z'],
  ])('refuses an instant with %s', (_why, text) => {
    expect(parseInstant(text)).toBeNull();
    expect(utcInstant(text)).toBeNull();
  });

  it('reads calendar dates and refuses the others', () => {
    expect(parseIsoDate('1970-01-02')).toBe(1);
    expect(parseIsoDate('2020-02-29')).toBe(Date.UTC(2020, 1, 29) / DAY_MS);
    for (const text of ['2021-02-29', '1900-02-29', '2021-13-01', '2021-00-10', '2021-1-01', '2021-01-01T00:00:00Z']) expect(parseIsoDate(text)).toBeNull();
  });

  it('reads a UUID in either case into four words and refuses anything else', () => {
    const words = new Uint32Array(4);
    expect(parseUuidWords('0123ABCD-4567-89ab-CDEF-0123456789ab', words)).toBe(true);
    expect([...words]).toEqual([0x0123abcd, 0x456789ab, 0xcdef0123, 0x456789ab]);
    for (const text of ['0123abcd-4567-89ab-cdef-0123456789a', '0123abcd+4567-89ab-cdef-0123456789ab', '0123abcg-4567-89ab-cdef-0123456789ab', '0123abcd-4567-89ab-cdef-0123456789aé'])
      expect(parseUuidWords(text, words)).toBe(false);
  });
});
