import type { Rng } from '../random/prng.js';

/*
 * Simulated time as epoch milliseconds (UTC). Dates are `YYYY-MM-DD`; an event happens during Dutch
 * office hours, which in UTC is roughly 06:30-15:30 all year.
 */

export const MINUTE = 60_000;
export const DAY = 86_400_000;

// The same few hundred dates are parsed millions of times at national scale.
const dayCache = new Map<string, number>();

export const dayStart = (isoDate: string): number => {
  let ms = dayCache.get(isoDate);
  if (ms === undefined) {
    ms = Date.parse(`${isoDate}T00:00:00.000Z`);
    if (Number.isNaN(ms)) throw new RangeError(`not a date: ${isoDate}`);
    if (dayCache.size < 100_000) dayCache.set(isoDate, ms);
  }
  return ms;
};

export const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const isoInstant = (ms: number): string => new Date(ms).toISOString();

/** A random instant during office hours on the given day (ms at midnight). */
export const officeHours = (rng: Rng, midnight: number): number => midnight + 390 * MINUTE + rng.int(0, 540 * MINUTE - 1);

/** A random day in [from, to] (both dates, inclusive), at office hours. */
export function between(rng: Rng, from: string, to: string): number {
  const a = dayStart(from);
  const b = dayStart(to);
  return officeHours(rng, a + rng.int(0, Math.max(0, Math.round((b - a) / DAY))) * DAY);
}

/** `days` whole days after the day of `ms`, at office hours. */
export const daysAfter = (rng: Rng, ms: number, minDays: number, maxDays: number): number =>
  officeHours(rng, Math.floor(ms / DAY) * DAY + rng.int(minDays, maxDays) * DAY);

/**
 * Strictly after `previous`: returns `candidate` if it is later, else a few minutes after `previous`.
 * Keeps a school's own steps in order when two land on the same day.
 */
export const after = (rng: Rng, previous: number, candidate: number): number =>
  candidate > previous ? candidate : previous + rng.int(1, 20) * MINUTE + rng.int(0, 59_999);
