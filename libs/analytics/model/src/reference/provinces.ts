/**
 * The twelve provinces with their CBS region codes (PV20..PV31, as in CBS "Gebieden in Nederland").
 * PV99 is this project's own code for a school whose gemeente is not in the reference list: it keeps
 * the province breakdown a complete partition of the schools instead of silently dropping them.
 */
export interface Province {
  readonly code: string;
  readonly name: string;
}

export const UNKNOWN_PROVINCE = 'PV99';

export const provinces: readonly Province[] = [
  { code: 'PV20', name: 'Groningen' },
  { code: 'PV21', name: 'Fryslân' },
  { code: 'PV22', name: 'Drenthe' },
  { code: 'PV23', name: 'Overijssel' },
  { code: 'PV24', name: 'Flevoland' },
  { code: 'PV25', name: 'Gelderland' },
  { code: 'PV26', name: 'Utrecht' },
  { code: 'PV27', name: 'Noord-Holland' },
  { code: 'PV28', name: 'Zuid-Holland' },
  { code: 'PV29', name: 'Zeeland' },
  { code: 'PV30', name: 'Noord-Brabant' },
  { code: 'PV31', name: 'Limburg' },
  { code: UNKNOWN_PROVINCE, name: 'Onbekend' },
];
