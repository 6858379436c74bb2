/**
 * Pooled effect size over schools' measured effects: DerSimonian-Laird random effects.
 *
 * A school reports a standardised mean difference g and the number of pupils n, not its design. We
 * take the usual two-group approximation with equal groups (n/2 treated, n/2 control):
 * var(g) = (n1 + n2) / (n1 n2) + g^2 / (2 (n1 + n2)) = 4/n + g^2 / (2n). A pre-post design on one group
 * has a smaller variance, so the interval is conservative for those.
 */
export interface Study {
  readonly effectSize: number;
  readonly pupils: number;
}

export interface PooledEffect {
  readonly studies: number;
  readonly pupils: number;
  readonly estimate: number;
  readonly standardError: number;
  /** 95% confidence interval of the pooled (mean) effect. */
  readonly lower: number;
  readonly upper: number;
  /** Between-school variance (DerSimonian-Laird moment estimate, truncated at 0). */
  readonly tau2: number;
  /** Cochran's Q and the share of variation due to heterogeneity (I^2, 0..1). */
  readonly q: number;
  readonly i2: number;
}

const Z_975 = 1.959963984540054;

export const studyVariance = ({ effectSize, pupils }: Study): number => 4 / pupils + (effectSize * effectSize) / (2 * pupils);

/** Undefined without studies; one study gives its own estimate and interval (tau^2 = 0). */
export function poolRandomEffects(studies: readonly Study[]): PooledEffect | undefined {
  const usable = studies.filter((s) => Number.isFinite(s.effectSize) && s.pupils >= 2);
  const k = usable.length;
  if (k === 0) return undefined;
  const v = usable.map(studyVariance);
  const w = v.map((x) => 1 / x);
  const sumW = sum(w);
  const fixed = sum(usable.map((s, i) => (w[i] ?? 0) * s.effectSize)) / sumW;
  const q = sum(usable.map((s, i) => (w[i] ?? 0) * (s.effectSize - fixed) ** 2));
  const c = sumW - sum(w.map((x) => x * x)) / sumW;
  const tau2 = k > 1 && c > 0 ? Math.max(0, (q - (k - 1)) / c) : 0;
  const wStar = v.map((x) => 1 / (x + tau2));
  const sumWStar = sum(wStar);
  const estimate = sum(usable.map((s, i) => (wStar[i] ?? 0) * s.effectSize)) / sumWStar;
  const standardError = Math.sqrt(1 / sumWStar);
  return {
    studies: k,
    pupils: sum(usable.map((s) => s.pupils)),
    estimate,
    standardError,
    lower: estimate - Z_975 * standardError,
    upper: estimate + Z_975 * standardError,
    tau2,
    q,
    i2: q > 0 && k > 1 ? Math.max(0, (q - (k - 1)) / q) : 0,
  };
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
