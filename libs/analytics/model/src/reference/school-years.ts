import { menukaartEditionFor, programmeSchoolYears, schoolYearEnd, schoolYearStart } from '@npo/domain';

export interface SchoolYearReference {
  readonly code: string;
  readonly start: string;
  readonly end: string;
  readonly edition: string;
  /** Plan + MR consent were asked for by this date (NPO-FACTS: "uiterlijk op 10 juli"), a suggestion
   * that OCW later called not binding; reports show the share consented by then. */
  readonly mrDeadline: string;
}

/** Default deadline: 10 July before the school year starts (configuration may override per year). */
export const defaultMrDeadline = (schoolYear: string): string => `${schoolYear.slice(0, 4)}-07-10`;

export const schoolYearReference = (deadlines: Readonly<Record<string, string>> = {}): readonly SchoolYearReference[] =>
  programmeSchoolYears.map((code) => ({
    code,
    start: schoolYearStart(code),
    end: schoolYearEnd(code),
    edition: menukaartEditionFor(code) ?? 'v1',
    mrDeadline: deadlines[code] ?? defaultMrDeadline(code),
  }));

/** The school year a calendar date falls in (1 August - 31 July). */
export function schoolYearOfDate(isoDate: string): string {
  const year = Number(isoDate.slice(0, 4));
  const start = year * 10000 + 801;
  const day = Number(isoDate.slice(0, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10));
  const first = day >= start ? year : year - 1;
  return `${first}-${first + 1}`;
}
