export { disclosureDefaults, layerOverrides, resolveParameters, type DisclosureOverrides, type DisclosureParameters } from './parameters.js';
export type {
  AmountCell,
  AuditEntry,
  AuditReport,
  Cell,
  CellKind,
  CountCell,
  PatternEntry,
  PrimaryReason,
  ProtectedCell,
  ProtectedTable,
  PublishedCell,
  Relation,
  ReleaseInput,
  SuppressedCell,
  SuppressionReason,
  Table,
} from './model.js';
export {
  protectRelease,
  protectReleasePart,
  combineReleaseParts,
  auditPattern,
  priorReleaseOf,
  complementCost,
  type ProtectOptions,
  type ProtectedRelease,
  type ReleasePart,
  type PatternAudit,
} from './protect-release.js';
export { PUBLIC_SUPPRESSION, publicDisclosure, publicValue, type PublicDisclosure, type PublicSuppression, type PublicValue } from './public-disclosure.js';
export { type ReleasePartSelector } from './component-parts.js';
export { type PriorRelease } from './linear-system.js';
export { primaryReason, failsThreshold, failsAllOrNothing, failsPPercent, failsNk, failsDominance } from './primary-rules.js';
export { protectionRequirement, type ProtectionRequirement } from './protection.js';
export { deriveShare, type DerivedShare } from './share.js';
export { differsBySmallGroup } from './statistic-history.js';
export { loosenedSettings } from './loosened-settings.js';
export { validateRelease } from './validate.js';
export { InvalidParametersError, InvalidReleaseInputError, PrivacyError, ReleaseRefusedError, SolverError } from './errors.js';
export { loadHighs } from './interval-solver.js';
