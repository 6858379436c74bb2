/*
 * The open-interval maps hold one entry per school, school year and intervention ever chosen or
 * evaluated: millions at national history scale. A string key such as `16SW|2021-2022|B3` cost a few
 * hundred bytes per entry on the heap (2.1 GB resident for a 5M-event rebuild); the same key packed
 * into one safe integer costs a number. The packing is arithmetic on the contract's own formats, so it
 * needs no dictionary and gives the same number in every process and after every restart.
 *
 *   BRIN   2 digits, 2 capitals, optional 2-digit suffix -> 100 * 676 * 101 values  (< 2^23)
 *   year   the first year of `2021-2022`, plus one         -> 1 .. 10000, 0 = none   (< 2^14)
 *   code   a capital A-F and 1 .. 99                      -> 6 * 100 values, 0 = none (< 2^10)
 * 23 + 14 + 10 = 47 bits, inside Number.MAX_SAFE_INTEGER.
 */

const YEARS = 10_001;
const CODES = 1_024;

export class IntervalKeyError extends Error {
  constructor(what: string, value: string) {
    super(`cannot key an open interval by ${what} ${JSON.stringify(value)}: the contract's format was not enforced`);
    this.name = 'IntervalKeyError';
  }
}

const brinPattern = /^(\d{2})([A-Z])([A-Z])(\d{2})?$/;

function brinNumber(brin: string): number {
  const match = brinPattern.exec(brin);
  if (match === null) throw new IntervalKeyError('BRIN', brin);
  const letters = (brin.charCodeAt(2) - 65) * 26 + (brin.charCodeAt(3) - 65);
  // 0 for no suffix, so that `16SW` and `16SW00` differ.
  const suffix = match[4] === undefined ? 0 : Number(match[4]) + 1;
  return (Number(match[1]) * 676 + letters) * 101 + suffix;
}

const yearPattern = /^(\d{4})-(\d{4})$/;

function yearNumber(schoolYear: string): number {
  const match = yearPattern.exec(schoolYear);
  const first = Number(match?.[1]);
  if (match === null || Number(match[2]) !== first + 1) {
    throw new IntervalKeyError('school year', schoolYear);
  }
  return first + 1;
}

const codePattern = /^[A-Z][1-9][0-9]?$/;

function codeNumber(code: string): number {
  const letter = code.charCodeAt(0) - 65;
  const n = Number(code.slice(1));
  if (!codePattern.test(code) || letter < 0 || letter > 5) {
    throw new IntervalKeyError('menukaart code', code);
  }
  return letter * 100 + n;
}

/** The key of a school's (or a school year's, or a choice's) open interval; injective over valid inputs. */
export function intervalKey(brin: string, schoolYear?: string, code?: string): number {
  const year = schoolYear === undefined ? 0 : yearNumber(schoolYear);
  const c = code === undefined ? 0 : codeNumber(code);
  return (brinNumber(brin) * YEARS + year) * CODES + c;
}
