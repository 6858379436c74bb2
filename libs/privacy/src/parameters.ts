/**
 * Every tunable of the disclosure control, with the defaults the platform publishes under.
 * README.md explains each rule and why the default is what it is; keep the two in step.
 */
export interface DisclosureParameters {
  /** Threshold rule: a count of 1..minFrequency-1 schools is suppressed; so is an amount with that few contributors. */
  readonly minFrequency: number;
  /**
   * All-or-nothing (group disclosure): a count of 0 or of the whole population reveals every school's
   * answer. Applied when the unit has fewer than `belowPopulation` schools.
   */
  readonly allOrNothing: {
    readonly belowPopulation: number;
    readonly zero: boolean;
    readonly full: boolean;
  };
  /** Dominance rules for amounts; a cell failing any enabled rule is suppressed. */
  readonly dominance: {
    /** p%-rule: sensitive when the contributions after the two largest are < p% of the largest. `null` disables. */
    readonly pPercent: number | null;
    /** (n,k)-rules: sensitive when the n largest contributions exceed k% of the total. */
    readonly nk: readonly { readonly n: number; readonly k: number }[];
  };
  /** Protection levels the audit demands of a suppressed cell. */
  readonly protection: {
    /** A primary count must stay uncertain by this many schools either side (clipped to [0, population]). */
    readonly countMargin: number;
    /** A primary amount must stay uncertain by this percentage of its value either side. */
    readonly amountPercent: number;
    /** ...and by at least this many cents either side (so a zero amount cannot be pinned). */
    readonly amountMinimumCents: number;
    /** Every suppressed cell (secondary ones too) must have an interval at least this wide (1 = not exact). */
    readonly minWidth: number;
  };
  /** Cost of a cell as a complement: cost = base + value * perUnit (per school, per euro). */
  readonly cost: {
    readonly base: number;
    readonly perSchool: number;
    readonly perEuro: number;
    /** Multiplier for cells suppressed in an earlier release (cheaper: keeps the pattern stable). */
    readonly priorSuppressedFactor: number;
  };
  /** Rounds of "add suppression, re-audit" before a release is refused. */
  readonly maxRepairRounds: number;
  /**
   * Report the attacker's exact interval for every suppressed cell (two LPs a cell). Off: a cell whose
   * requirement feasible points already prove is reported with that proven part of its interval, which
   * settles the same pass/fail question at a fraction of the LPs on national-size releases.
   */
  readonly exactAuditIntervals: boolean;
}

export const disclosureDefaults: DisclosureParameters = Object.freeze({
  minFrequency: 5,
  allOrNothing: Object.freeze({ belowPopulation: 20, zero: true, full: true }),
  dominance: Object.freeze({ pPercent: 10, nk: Object.freeze([Object.freeze({ n: 2, k: 85 })]) }),
  protection: Object.freeze({ countMargin: 3, amountPercent: 10, amountMinimumCents: 100_000, minWidth: 1 }),
  cost: Object.freeze({ base: 1, perSchool: 1, perEuro: 0.001, priorSuppressedFactor: 0.5 }),
  maxRepairRounds: 3,
  exactAuditIntervals: false,
});

export interface DisclosureOverrides {
  readonly minFrequency?: number;
  readonly allOrNothing?: Partial<DisclosureParameters['allOrNothing']>;
  readonly dominance?: Partial<DisclosureParameters['dominance']>;
  readonly protection?: Partial<DisclosureParameters['protection']>;
  readonly cost?: Partial<DisclosureParameters['cost']>;
  readonly maxRepairRounds?: number;
  readonly exactAuditIntervals?: boolean;
}

export function resolveParameters(overrides: DisclosureOverrides = {}): DisclosureParameters {
  return {
    minFrequency: overrides.minFrequency ?? disclosureDefaults.minFrequency,
    allOrNothing: { ...disclosureDefaults.allOrNothing, ...overrides.allOrNothing },
    dominance: { ...disclosureDefaults.dominance, ...overrides.dominance },
    protection: { ...disclosureDefaults.protection, ...overrides.protection },
    cost: { ...disclosureDefaults.cost, ...overrides.cost },
    maxRepairRounds: overrides.maxRepairRounds ?? disclosureDefaults.maxRepairRounds,
    exactAuditIntervals: overrides.exactAuditIntervals ?? disclosureDefaults.exactAuditIntervals,
  };
}

/** `over` on top of `under`, group by group (a group named in both is merged, not replaced). */
export function layerOverrides(under: DisclosureOverrides = {}, over: DisclosureOverrides = {}): DisclosureOverrides {
  return {
    ...under,
    ...over,
    allOrNothing: { ...under.allOrNothing, ...over.allOrNothing },
    dominance: { ...under.dominance, ...over.dominance },
    protection: { ...under.protection, ...over.protection },
    cost: { ...under.cost, ...over.cost },
  };
}
