import { type SystemVariable } from './linear-system.js';
import { type SuppressionReason } from './model.js';
import { type DisclosureParameters } from './parameters.js';

export interface ProtectionRequirement {
  /** The attacker's interval must reach down to at least this value... */
  readonly lower: number;
  /** ...and up to at least this one... */
  readonly upper: number;
  /** ...and be at least this wide. */
  readonly minWidth: number;
}

/**
 * What the audit demands of a suppressed cell. Primary cells are sensitive and get a protection margin on
 * both sides of the true value, clipped to the public bounds; secondary cells are not sensitive in
 * themselves and only must not be recomputable exactly. With `reachZero` (an amount beside a count whose
 * protection reaches 0, see presence.ts) the interval must also reach the public lower bound 0: an amount
 * known to be positive tells that some school is counted.
 */
export function protectionRequirement(variable: SystemVariable, reason: SuppressionReason, params: DisclosureParameters, reachZero = false): ProtectionRequirement {
  const { value, lower: publicLower, upper: publicUpper } = variable;
  const minWidth = Math.min(params.protection.minWidth, publicUpper - publicLower);
  if (reachZero) return { ...protectionRequirement(variable, reason, params), lower: publicLower };
  if (reason === 'secondary') return { lower: value, upper: value, minWidth };
  const margin =
    variable.kind === 'count'
      ? params.protection.countMargin
      : Math.max(Math.ceil((value * params.protection.amountPercent) / 100), params.protection.amountMinimumCents);
  return { lower: Math.max(publicLower, value - margin), upper: Math.min(publicUpper, value + margin), minWidth };
}

/** Every table value is an integer (schools, cents), so the attacker rounds an LP bound inward. */
export function roundLower(x: number): number {
  if (!Number.isFinite(x)) return x;
  const nearest = Math.round(x);
  return positiveZero(Math.abs(x - nearest) <= tolerance(x) ? nearest : Math.ceil(x));
}

export function roundUpper(x: number): number {
  if (!Number.isFinite(x)) return x;
  const nearest = Math.round(x);
  return positiveZero(Math.abs(x - nearest) <= tolerance(x) ? nearest : Math.floor(x));
}

/** A solver's -1e-12 rounds to -0, which is 0 but not equal to 0 for deep equality and Object.is. */
const positiveZero = (x: number): number => (x === 0 ? 0 : x);

// Solver noise stays far below a hundredth of a school or a cent (columns are scaled for the solver);
// genuine fractional vertices of sum tables have small denominators and stay clear of it.
function tolerance(_x: number): number {
  return 0.01;
}

export function meetsRequirement(lower: number, upper: number, required: ProtectionRequirement): boolean {
  return lower <= required.lower && upper >= required.upper && upper - lower >= required.minWidth;
}
