import { type DisclosureParameters } from './parameters.js';

/**
 * The settings in which `candidate` protects less than `base`: a lower threshold, a rule switched off,
 * a smaller protection margin. Whoever may ask for a release may ask for more protection than the
 * service's settings, never less; the cost model and the audit's effort are free to change (they move
 * which cells are withheld, not whether each is protected).
 */
export function loosenedSettings(candidate: DisclosureParameters, base: DisclosureParameters): string[] {
  const out: string[] = [];
  const atLeast = (name: string, value: number, floor: number): void => {
    if (value < floor) out.push(`${name} ${value} < ${floor}`);
  };
  atLeast('minFrequency', candidate.minFrequency, base.minFrequency);
  atLeast('allOrNothing.belowPopulation', candidate.allOrNothing.belowPopulation, base.allOrNothing.belowPopulation);
  if (base.allOrNothing.zero && !candidate.allOrNothing.zero) out.push('allOrNothing.zero switched off');
  if (base.allOrNothing.full && !candidate.allOrNothing.full) out.push('allOrNothing.full switched off');
  const p = candidate.dominance.pPercent;
  if (base.dominance.pPercent !== null) {
    // A larger p marks more amounts sensitive (the rest must reach p% of the largest contribution).
    if (p === null) out.push('dominance.pPercent switched off');
    else atLeast('dominance.pPercent', p, base.dominance.pPercent);
  }
  for (const rule of base.dominance.nk) {
    // (n,k): the n largest above k% is sensitive, so a lower k for the same n is stricter.
    if (!candidate.dominance.nk.some((r) => r.n === rule.n && r.k <= rule.k)) out.push(`dominance.nk rule (n=${rule.n}, k<=${rule.k}) missing`);
  }
  atLeast('protection.countMargin', candidate.protection.countMargin, base.protection.countMargin);
  atLeast('protection.amountPercent', candidate.protection.amountPercent, base.protection.amountPercent);
  atLeast('protection.amountMinimumCents', candidate.protection.amountMinimumCents, base.protection.amountMinimumCents);
  atLeast('protection.minWidth', candidate.protection.minWidth, base.protection.minWidth);
  return out;
}
