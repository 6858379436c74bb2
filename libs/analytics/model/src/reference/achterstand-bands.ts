/*
 * Achterstand bands. The CBS achterstandsscore of a school is a sum over its pupils (the funding pays
 * per unit), so it grows with school size; a band has to compare intensity, not size. The band is
 * therefore set by the score per pupil. Thresholds are this project's choice (no official banding of
 * the school score exists): fixed numbers rather than quantiles, so a school's band does not move when
 * other schools change and a band means the same in every year and every release (consistent
 * suppression patterns need stable groups). They live in the `achterstand_band` table; change them
 * there and rebuild.
 */
export interface AchterstandBand {
  readonly code: string;
  readonly label: string;
  /** Inclusive lower bound of score per pupil. */
  readonly minPerPupil: number;
  /** Exclusive upper bound; null = no upper bound. */
  readonly maxPerPupil: number | null;
  readonly order: number;
}

export const UNKNOWN_BAND = 'onbekend';

export const achterstandBands: readonly AchterstandBand[] = [
  { code: 'geen', label: 'Geen achterstandsscore', minPerPupil: 0, maxPerPupil: 0, order: 1 },
  { code: 'laag', label: 'Lage achterstandsscore (< 0,10 per leerling)', minPerPupil: 0, maxPerPupil: 0.1, order: 2 },
  { code: 'gemiddeld', label: 'Gemiddelde achterstandsscore (0,10 - 0,30 per leerling)', minPerPupil: 0.1, maxPerPupil: 0.3, order: 3 },
  { code: 'hoog', label: 'Hoge achterstandsscore (0,30 - 0,60 per leerling)', minPerPupil: 0.3, maxPerPupil: 0.6, order: 4 },
  { code: 'zeer-hoog', label: 'Zeer hoge achterstandsscore (>= 0,60 per leerling)', minPerPupil: 0.6, maxPerPupil: null, order: 5 },
  { code: UNKNOWN_BAND, label: 'Onbekend (geen leerlingen geregistreerd)', minPerPupil: 0, maxPerPupil: 0, order: 6 },
];

/**
 * The band of a school. A score of exactly 0 is its own band ("geen"): many schools have none, and
 * lumping them with "laag" would hide the difference the band exists to show.
 */
export function achterstandBandOf(achterstandsscore: number, pupils: number): string {
  if (pupils <= 0) return UNKNOWN_BAND;
  if (achterstandsscore <= 0) return 'geen';
  const perPupil = achterstandsscore / pupils;
  for (const band of achterstandBands) {
    if (band.code === 'geen' || band.code === UNKNOWN_BAND) continue;
    if (perPupil >= band.minPerPupil && (band.maxPerPupil === null || perPupil < band.maxPerPupil)) return band.code;
  }
  return UNKNOWN_BAND;
}
