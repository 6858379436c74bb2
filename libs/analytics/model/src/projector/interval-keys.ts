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

import { brinPattern, menukaartCodePattern, schoolYearPattern } from '@npo/contracts';

const YEARS = 10_001;
const CODES = 1_024;

export class IntervalKeyError extends Error {
  constructor(what: string, value: string) {
    super(`cannot key an open interval by ${what} ${JSON.stringify(value)}: the contract's format was not enforced`);
    this.name = 'IntervalKeyError';
  }
}

const capital = (s: string, i: number): number => s.charCodeAt(i) - 65;

function brinNumber(brin: string): number {
  if (!brinPattern.test(brin)) throw new IntervalKeyError('BRIN', brin);
  // 0 for no suffix, so that `16SW` and `16SW00` differ.
  const suffix = brin.length === 6 ? Number(brin.slice(4)) + 1 : 0;
  return (Number(brin.slice(0, 2)) * 676 + capital(brin, 2) * 26 + capital(brin, 3)) * 101 + suffix;
}

function yearNumber(schoolYear: string): number {
  const match = schoolYearPattern.exec(schoolYear);
  const first = Number(match?.[1]);
  if (match === null || Number(match[2]) !== first + 1) throw new IntervalKeyError('school year', schoolYear);
  return first + 1;
}

function codeNumber(code: string): number {
  if (!menukaartCodePattern.test(code)) throw new IntervalKeyError('menukaart code', code);
  return capital(code, 0) * 100 + Number(code.slice(1));
}

/** The key of a school's (or a school year's, or a choice's) open interval; injective over valid inputs. */
export function intervalKey(brin: string, schoolYear?: string, code?: string): number {
  const year = schoolYear === undefined ? 0 : yearNumber(schoolYear);
  const c = code === undefined ? 0 : codeNumber(code);
  return (brinNumber(brin) * YEARS + year) * CODES + c;
}
