import { daysFromCivil } from '@npo/domain';

/*
 * Text the projector receives, read as the numbers DuckDB stores: an instant as microseconds since the
 * epoch (TIMESTAMPTZ), a calendar date as days since the epoch (DATE), a UUID as its 128 bits. For instants
 * one strict reader serves both the envelope check (what is accepted) and the appenders (what is written),
 * so an accepted instant is always one the model can hold: a lenient check before DuckDB's own cast let through
 * text such as `2021-02-29T00:00:00Z` or `2021-01-01T00:00Z`, which DuckDB then refused, failing the
 * whole batch instead of quarantining one event.
 */

const DIGIT_0 = 48;
const US_PER_S = 1_000_000;
// Instants within this many seconds of the epoch have an exact microsecond count in a double (2^53 µs ≈ 285 years).
const EXACT_SECONDS = 9_000_000_000;

const digit = (text: string, at: number): number => {
  const d = text.charCodeAt(at) - DIGIT_0;
  return d >= 0 && d <= 9 ? d : -1;
};

/** The unsigned integer written by `length` digits at `at`, or -1. */
function digits(text: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const d = digit(text, i);
    if (d < 0) return -1;
    value = value * 10 + d;
  }
  return value;
}

const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** `YYYY-MM-DD` at `at` as days since the epoch, or null when it is not a date of the calendar. */
function dateAt(text: string, at: number): number | null {
  const year = digits(text, at, 4);
  const month = digits(text, at + 5, 2);
  const day = digits(text, at + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || text.charCodeAt(at + 4) !== 45 || text.charCodeAt(at + 7) !== 45) return null;
  const last = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  return day > last ? null : daysFromCivil(year, month, day);
}

/** An ISO date `YYYY-MM-DD` as days since 1970-01-01, or null. */
export function parseIsoDate(text: string): number | null {
  return text.length === 10 ? dateAt(text, 0) : null;
}

/**
 * An ISO 8601 instant with seconds and an offset (`Z`, `±hh:mm` or `±hhmm`), any number of fraction digits, as
 * microseconds since the epoch (a bigint only outside ~1685-2255, where a double is not exact), or null.
 * Digits below the microsecond are cut off, as DuckDB's cast does.
 */
export function parseInstant(text: string): number | bigint | null {
  if (text.length < 20 || text.charCodeAt(10) !== 84 /* T */) return null;
  const days = dateAt(text, 0);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (days === null || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  let at = 19;
  let micros = 0;
  if (text.charCodeAt(at) === 46 /* . */) {
    let count = 0;
    for (at++; digit(text, at) >= 0; at++, count++) if (count < 6) micros = micros * 10 + digit(text, at);
    if (count === 0) return null;
    for (let i = Math.min(count, 6); i < 6; i++) micros *= 10;
  }
  const offset = offsetSecondsAt(text, at);
  if (offset === null) return null;
  const seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset;
  return Math.abs(seconds) < EXACT_SECONDS ? seconds * US_PER_S + micros : BigInt(seconds) * BigInt(US_PER_S) + BigInt(micros);
}

function offsetSecondsAt(text: string, at: number): number | null {
  const sign = text.charCodeAt(at);
  if (sign === 90 /* Z */) return at + 1 === text.length ? 0 : null;
  if (sign !== 43 && sign !== 45) return null;
  const colon = text.charCodeAt(at + 3) === 58 ? 1 : 0;
  if (text.length !== at + 5 + colon) return null;
  const hours = digits(text, at + 1, 2);
  const minutes = digits(text, at + 3 + colon, 2);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return null;
  return (sign === 45 ? -1 : 1) * (hours * 3_600 + minutes * 60);
}

/**
 * The accepted form of an instant: the text itself when it is in UTC (`Z`), otherwise the same instant
 * written in UTC with its microseconds; null when parseInstant refuses it or it leaves the years 0000-9999 (0000 is 1 BC, as DuckDB reads it).
 */
export function utcInstant(text: string): string | null {
  const micros = parseInstant(text);
  if (micros === null) return null;
  if (text.charCodeAt(text.length - 1) === 90) return text;
  const us = typeof micros === 'bigint' ? micros : BigInt(micros);
  const ms = Number(us / 1000n - (us % 1000n < 0n ? 1n : 0n));
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  // The text form has four-digit years; DuckDB would hold 10000, but no real decision is that far off.
  if (year < 0 || year > 9999) return null;
  const sub = Number(((us % 1_000_000n) + 1_000_000n) % 1_000_000n);
  return `${date.toISOString().slice(0, 19)}.${String(sub).padStart(6, '0')}Z`;
}

// Hex digit values by character code (-1: not a hex digit), both cases.
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[65 + i] = HEX[97 + i] = 10 + i;

/** Eight hex digits, or four at `at` and four at `then`, as an unsigned 32-bit number; -1 if one is not a hex digit. */
function hex32(text: string, at: number, then = at + 4): number {
  let value = 0;
  let bad = 0;
  for (let i = 0; i < 8; i++) {
    const code = text.charCodeAt(i < 4 ? at + i : then + i - 4);
    const h = code < 128 ? (HEX[code] as number) : -1;
    bad |= h;
    value = value * 16 + h;
  }
  return bad < 0 ? -1 : value;
}

/**
 * A UUID in its canonical text form (either case) as four unsigned 32-bit words, most significant first,
 * written into `words`; false when the text is not one.
 */
export function parseUuidWords(text: string, words: Uint32Array): boolean {
  if (text.length !== 36 || text.charCodeAt(8) !== 45 || text.charCodeAt(13) !== 45 || text.charCodeAt(18) !== 45 || text.charCodeAt(23) !== 45) return false;
  const w0 = hex32(text, 0);
  const w1 = hex32(text, 9, 14);
  const w2 = hex32(text, 19, 24);
  const w3 = hex32(text, 28);
  if (w0 < 0 || w1 < 0 || w2 < 0 || w3 < 0) return false;
  words[0] = w0;
  words[1] = w1;
  words[2] = w2;
  words[3] = w3;
  return true;
}
