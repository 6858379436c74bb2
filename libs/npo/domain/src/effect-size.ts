/**
 * EEF convention for translating months of extra progress into an effect size (Hedges g), as
 * NPO-FACTS.md records it: +1 = 0.06-0.09 ... +8 = 0.62-0.69. Used to set the Dutch measured effects
 * beside the international figures.
 */
export interface EffectSizeBand {
  readonly months: number;
  /** Inclusive bounds in Hedges g. */
  readonly min: number;
  readonly max: number;
}

export const effectSizeBands: readonly EffectSizeBand[] = [
  { months: 1, min: 0.06, max: 0.09 },
  { months: 2, min: 0.1, max: 0.18 },
  { months: 3, min: 0.19, max: 0.26 },
  { months: 4, min: 0.27, max: 0.35 },
  { months: 5, min: 0.36, max: 0.44 },
  { months: 6, min: 0.45, max: 0.52 },
  { months: 7, min: 0.53, max: 0.61 },
  { months: 8, min: 0.62, max: 0.69 },
];

/** The band for +n months, or undefined when the convention as recorded has none (n outside 1..8). */
export const effectSizeBandForMonths = (months: number): EffectSizeBand | undefined =>
  effectSizeBands.find((b) => b.months === months);

/**
 * Months of progress for a measured effect size. The published bands are given at two decimals, so a
 * value between two bands (0.095) belongs to the lower one: each band reaches up to the next band's
 * minimum. Below 0.06 or from 0.70 upward the recorded convention says nothing: undefined.
 */
export function monthsForEffectSize(effectSize: number): number | undefined {
  if (!Number.isFinite(effectSize)) return undefined;
  for (let i = effectSizeBands.length - 1; i >= 0; i--) {
    const band = effectSizeBands[i];
    if (band === undefined) continue;
    const upper = effectSizeBands[i + 1]?.min ?? 0.7;
    if (effectSize >= band.min && effectSize < upper) return band.months;
  }
  return undefined;
}
