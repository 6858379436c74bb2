import type { Rng } from './prng.js';

/**
 * Standard normal CDF via the complementary error function (W. J. Cody's rational approximations are
 * overkill here; Abramowitz & Stegun 7.1.26 has an absolute error below 1.5e-7, far under the
 * sampling error of any share the simulator reports).
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Index of the category a standard-normal latent value falls in, for category probabilities `probs`
 * (summing to 1). Because the latent is N(0,1), each category occurs with exactly its probability,
 * whatever correlation the latent carries: a Gaussian copula.
 */
export function categoryOfLatent(latent: number, probs: readonly number[]): number {
  const u = normalCdf(latent);
  let cum = 0;
  for (let i = 0; i < probs.length - 1; i++) {
    cum += probs[i] as number;
    if (u < cum) return i;
  }
  return probs.length - 1;
}

/** `rho * shared + sqrt(1 - rho^2) * own`: stays N(0,1) when both inputs are independent N(0,1). */
export const correlated = (shared: number, rho: number, rng: Rng): number => rho * shared + Math.sqrt(1 - rho * rho) * rng.normal();

/** Log-normal with the given mean (not median) and log-scale sigma. */
export function logNormalWithMean(rng: Rng, mean: number, sigma: number): number {
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  return Math.exp(mu + sigma * rng.normal());
}

export const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/**
 * The intercept `a` for which E[logistic(a + beta * K)] = target when K takes value k with
 * probability probs[k]. Lets a choice depend on a school's findings while the national share of
 * schools making it stays at the published figure. Bisection: the expectation is increasing in a.
 */
export function calibratedIntercept(target: number, beta: number, probs: readonly number[]): number {
  if (!(target > 0 && target < 1)) throw new RangeError(`target share must lie in (0, 1), got ${target}`);
  const expectation = (a: number): number => probs.reduce((sum, p, k) => sum + p * logistic(a + beta * k), 0);
  let lo = -30;
  let hi = 30;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (expectation(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Largest-remainder rounding of non-negative weights to integers summing to `total`, each at least `min`. */
export function apportion(weights: readonly number[], total: number, min = 0): number[] {
  const n = weights.length;
  if (total < min * n) throw new RangeError(`cannot give ${n} parts at least ${min} out of ${total}`);
  const free = total - min * n;
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (sum > 0 ? (w / sum) * free : free / n));
  const out = exact.map((x) => Math.floor(x));
  let left = free - out.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((p, q) => q.r - p.r || p.i - q.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] as number) + 1;
    left--;
  }
  return out.map((x) => x + min);
}
