import type { PublicSuppression } from '@npo/privacy';
import type { PublishedReport } from '../cells/publish.js';

/** One number in a report: published, or null, and if withheld by the disclosure control, marked so. */
export interface ReportValue {
  readonly value: number | null;
  readonly suppressed?: true;
  readonly reason?: PublicSuppression;
}

export type ColumnUnit = 'count' | 'share' | 'cents' | 'effect-size' | 'months' | 'score' | 'text';

export interface ReportColumn {
  readonly id: string;
  readonly label: string;
  readonly unit: ColumnUnit;
}

export interface ReportRow {
  readonly key: string;
  readonly label: string;
  /** Hierarchy level, for indentation (total > category > intervention). */
  readonly level?: 'total' | 'category' | 'intervention';
  readonly values: Readonly<Record<string, ReportValue | string | null>>;
}

export interface ReportTable {
  readonly id: string;
  readonly title: string;
  readonly rowHeader: string;
  readonly columns: readonly ReportColumn[];
  readonly rows: readonly ReportRow[];
}

export interface ReleaseReference {
  readonly id: string;
  readonly number?: number;
  readonly createdAt?: string;
}

export interface ReportDocument {
  readonly report: 'national' | 'gemeente' | 'evidence';
  readonly title: string;
  readonly asOf: string;
  readonly schoolYear?: string;
  readonly gemeente?: { readonly code: string; readonly name: string; readonly province: string };
  /** The release the numbers come from; null for an ad-hoc report (ocw/admin only). */
  readonly release: ReleaseReference | null;
  readonly notes: readonly string[];
  readonly tables: readonly ReportTable[];
}

export const SHARE_DECIMALS = 4;

/** Reads published values out of a report; never sees a suppressed cell's true value (it is not there). */
export class Values {
  constructor(private readonly report: PublishedReport) {}

  cell(id: string): ReportValue {
    const v = this.report.cells[id];
    if (v === undefined) return { value: null };
    return v.value === null ? { value: null, suppressed: true, reason: v.reason } : { value: v.value };
  }

  /**
   * count / denominator. A share is the count in disguise (the population is public), so it is withheld
   * whenever the count is, or the denominator when that is itself a withheld cell.
   */
  share(countId: string, denominator: string | number): ReportValue {
    const count = this.cell(countId);
    if (count.value === null) return count;
    const whole = typeof denominator === 'number' ? { value: denominator } : this.cell(denominator);
    if (whole.value === null) return whole.suppressed ? { value: null, suppressed: true, ...(whole.reason === undefined ? {} : { reason: whole.reason }) } : { value: null };
    if (whole.value === 0) return { value: null };
    return { value: Number((count.value / whole.value).toFixed(SHARE_DECIMALS)) };
  }

  /** A public figure (a population, a gemeente's own allocation). */
  figure(value: number | null | undefined): ReportValue {
    return { value: value ?? null };
  }

  /** A statistic shown only when the count it rests on is published. */
  guarded(guardId: string, value: number | null | undefined): ReportValue {
    const guard = this.cell(guardId);
    if (guard.value === null) return guard.suppressed ? guard : { value: null };
    return { value: value ?? null };
  }
}

/**
 * A value object whose `value` is null is always a withheld number (`suppressed`, `reason`). A number that
 * does not exist (no EEF figure, no pooled effect, a share of no schools) is `null`, as one that does not
 * apply: a client tells "withheld" from "none" by the shape alone, and the CSV leaves both empty, `geheim`
 * beside the withheld one only.
 */
export function withoutEmptyValues(table: ReportTable): ReportTable {
  const present = (v: ReportValue | string | null): ReportValue | string | null => (v !== null && typeof v === 'object' && v.value === null && v.suppressed !== true ? null : v);
  return { ...table, rows: table.rows.map((row) => ({ ...row, values: Object.fromEntries(Object.entries(row.values).map(([key, v]) => [key, present(v)])) })) };
}

/** The notes every report carries; the thresholds are the ones its release was protected with. */
export function standardNotes(report: PublishedReport): string[] {
  const { minFrequency, allOrNothing } = report.disclosure.parameters;
  return [
    'Gegevens op schoolniveau worden nooit gepubliceerd. Een getal dat tot een school herleidbaar zou zijn, is weggelaten (waarde null, status geheim).',
    `Weggelaten wordt: een aantal van minder dan ${minFrequency} scholen; 0 of alle scholen van een eenheid met minder dan ${allOrNothing.belowPopulation} scholen; een bedrag dat door één of twee scholen wordt bepaald; en elk getal waaruit een weggelaten getal terug te rekenen zou zijn. Per getal staat niet welke regel gold: ook dat zou iets over de scholen verraden.`,
    'Een lege cel zonder de status geheim heeft geen getal: het is daar niet van toepassing of bestaat niet (zoals een aandeel van nul scholen).',
    'Aandelen zijn fracties (0-1), van de scholen die de kolom noemt (alle scholen, de scholen met programma, de scholen met scan); bedragen in eurocent.',
  ];
}
