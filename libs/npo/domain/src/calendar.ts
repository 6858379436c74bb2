/*
 * Calendar arithmetic on `YYYY-MM-DD` strings without the Date global (the domain reads no clock).
 * Day numbers follow the proleptic Gregorian calendar (days since 1970-01-01).
 */

const datePattern = /^(\d{4})-(\d{2})-(\d{2})/;

/** Days from 1970-01-01 to a proleptic Gregorian date (any year, unlike Date.UTC with years 0-99). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Adds `days` to the date part of an ISO date or instant; returns `YYYY-MM-DD`. */
export function addDays(isoDateOrInstant: string, days: number): string {
  const m = datePattern.exec(isoDateOrInstant);
  if (m === null) throw new RangeError(`not an ISO date: ${isoDateOrInstant}`);
  const [y, mo, d] = civilFromDays(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) + days);
  return `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}`;
}

/**
 * The latest calendar date that may count as "today" at instant `now`. The Netherlands runs up to two
 * hours ahead of UTC, so a Dutch school's today can be the day after the UTC date of `now`; accepting
 * one day beyond the instant's own date keeps the rule free of a time-zone database.
 */
export const latestTodayAt = (now: string): string => addDays(now, 1);

/** The last day of a school year `YYYY-YYYY`: the Dutch school year runs 1 August - 31 July. */
export const schoolYearEnd = (schoolYear: string): string => `${schoolYear.slice(5, 9)}-07-31`;
export const schoolYearStart = (schoolYear: string): string => `${schoolYear.slice(0, 4)}-08-01`;

/**
 * The first day a scan for `schoolYear` may be completed: 1 August of the calendar year before the
 * school year starts. Schools scan in the spring for the next year (the NPO's own timeline: scan in
 * April 2021 for 2021-2022), so a full year ahead is generous; anything earlier is a typo, not a scan.
 */
export const scanWindowStart = (schoolYear: string): string => `${String(Number(schoolYear.slice(0, 4)) - 1).padStart(4, '0')}-08-01`;
