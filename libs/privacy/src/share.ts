import { type ProtectedCell } from './model.js';
import { PUBLIC_SUPPRESSION, type PublicSuppression } from './public-disclosure.js';

export type DerivedShare =
  | { readonly suppressed: false; /** null when the denominator is 0 */ readonly value: number | null }
  | { readonly suppressed: true; readonly value: null; readonly reason: PublicSuppression };

/**
 * A percentage or share is never a cell of its own: with the population public it is the count in
 * disguise, so it is derived from the protected count and suppressed whenever the count is (or the
 * denominator, when that is itself a published count). It is published, so it carries the public reason.
 */
export function deriveShare(count: ProtectedCell, denominator: number | ProtectedCell, options: { readonly decimals?: number; readonly percent?: boolean } = {}): DerivedShare {
  if (count.suppressed || (typeof denominator !== 'number' && denominator.suppressed)) return { suppressed: true, value: null, reason: PUBLIC_SUPPRESSION };
  const whole = typeof denominator === 'number' ? denominator : denominator.value;
  if (whole === 0) return { suppressed: false, value: null };
  const scale = options.percent === true ? 100 : 1;
  const raw = (count.value / whole) * scale;
  const decimals = options.decimals;
  return { suppressed: false, value: decimals === undefined ? raw : Number(raw.toFixed(decimals)) };
}
