import { type ProtectedCell } from './model.js';
import { type DisclosureParameters } from './parameters.js';
import { compareIds } from './secondary-suppression.js';
import { type ProtectedRelease } from './protect-release.js';

/**
 * The one reason the public sees for any withheld cell. The real reasons say too much: `threshold` means
 * 1..4 schools, `all-or-nothing` means 0 or every school of the unit, `secondary` means "not sensitive
 * itself", and none of that is in the attacker model the audit proves safe.
 */
export const PUBLIC_SUPPRESSION = 'suppressed' as const;
export type PublicSuppression = typeof PUBLIC_SUPPRESSION;

/**
 * What the public may know about how a release was protected: the rules, which cells are withheld and
 * that the audit passed. Nothing in it depends on a withheld cell's true value: not the reasons, not the
 * protection each cell required (it is built around the true value), not the intervals the audit proved
 * (feasible points found from the true values) and not the number of LPs it took.
 */
export interface PublicDisclosure {
  readonly parameters: DisclosureParameters;
  /** Ids of the withheld cells, in id order. */
  readonly suppressed: readonly string[];
  readonly audit: { readonly ok: boolean };
}

export function publicDisclosure(release: ProtectedRelease): PublicDisclosure {
  return {
    parameters: release.parameters,
    suppressed: release.pattern.map((p) => p.cellId).sort(compareIds),
    audit: { ok: release.audit.ok },
  };
}

/** A cell as the public may see it: its value, or null with the public reason. */
export type PublicValue = { readonly value: number; readonly reason?: undefined } | { readonly value: null; readonly reason: PublicSuppression };

export function publicValue(cell: ProtectedCell): PublicValue {
  return cell.suppressed ? { value: null, reason: PUBLIC_SUPPRESSION } : { value: cell.value };
}
