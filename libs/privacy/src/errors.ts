import { type AuditEntry } from './model.js';

/** Base of every error this library throws; `code` is stable and safe to map to HTTP problems. */
export abstract class PrivacyError extends Error {
  abstract readonly code: string;
}

/** The tables are not what the library can protect: unknown cells, relations that do not hold, ... */
export class InvalidReleaseInputError extends PrivacyError {
  readonly code = 'privacy.invalid-input';
  constructor(readonly issues: readonly string[]) {
    super(`invalid release input: ${issues.slice(0, 5).join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`);
    this.name = 'InvalidReleaseInputError';
  }
}

export class InvalidParametersError extends PrivacyError {
  readonly code = 'privacy.invalid-parameters';
  constructor(readonly issues: readonly string[]) {
    super(`invalid disclosure parameters: ${issues.join('; ')}`);
    this.name = 'InvalidParametersError';
  }
}

/**
 * The audit found cells an attacker can narrow below their protection level, and no suppression fixes it.
 * `cells` holds the audit entries, whose intervals and required protection are built from true values
 * (nothing was published, so not even an exact interval follows from public figures): it is not
 * enumerable, so a logger's error serializer or JSON.stringify leaves it out, and the message names ids only.
 */
export class ReleaseRefusedError extends PrivacyError {
  readonly code = 'privacy.release-refused';
  declare readonly cells: readonly AuditEntry[];
  constructor(
    readonly releaseId: string,
    cells: readonly AuditEntry[],
  ) {
    super(
      `release ${releaseId} refused: ${cells.length} suppressed cell(s) cannot be protected: ` +
        cells
          .slice(0, 10)
          .map((c) => c.cellId)
          .join(', ') +
        (cells.length > 10 ? `, and ${cells.length - 10} more` : ''),
    );
    Object.defineProperty(this, 'cells', { value: cells, enumerable: false });
    this.name = 'ReleaseRefusedError';
  }
}

/** HiGHS returned something other than an optimum or a proven unbounded ray. */
export class SolverError extends PrivacyError {
  readonly code = 'privacy.solver-failed';
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(`LP solver failed (model status ${status}): ${detail}`);
    this.name = 'SolverError';
  }
}
