import { type AuditEntry, InvalidParametersError, InvalidReleaseInputError, ReleaseRefusedError, SolverError } from '@npo/privacy';

/** An error as it crosses from the protection worker to the service: structured-clone safe, class by name. */
export type CarriedError =
  | { readonly name: 'ReleaseRefusedError'; readonly releaseId: string; readonly cells: readonly AuditEntry[] }
  | { readonly name: 'InvalidReleaseInputError' | 'InvalidParametersError'; readonly issues: readonly string[] }
  | { readonly name: 'SolverError'; readonly status: number; readonly message: string }
  | { readonly name: 'Error'; readonly message: string; readonly stack?: string };

/**
 * The error classes the API maps to problem responses must arrive as those classes (a structured clone
 * keeps only message and name), so the privacy errors travel as their fields and are rebuilt.
 */
export function carryError(error: unknown): CarriedError {
  if (error instanceof ReleaseRefusedError) return { name: 'ReleaseRefusedError', releaseId: error.releaseId, cells: error.cells };
  if (error instanceof InvalidReleaseInputError) return { name: 'InvalidReleaseInputError', issues: error.issues };
  if (error instanceof InvalidParametersError) return { name: 'InvalidParametersError', issues: error.issues };
  if (error instanceof SolverError) return { name: 'SolverError', status: error.status, message: error.message };
  const plain = error instanceof Error ? error : new Error(String(error));
  return { name: 'Error', message: plain.message, ...(plain.stack === undefined ? {} : { stack: plain.stack }) };
}

export function reviveError(carried: CarriedError): Error {
  switch (carried.name) {
    case 'ReleaseRefusedError':
      return new ReleaseRefusedError(carried.releaseId, carried.cells);
    case 'InvalidReleaseInputError':
      return new InvalidReleaseInputError(carried.issues);
    case 'InvalidParametersError':
      return new InvalidParametersError(carried.issues);
    case 'SolverError': {
      const error = new SolverError(carried.status, '');
      error.message = carried.message;
      return error;
    }
    case 'Error': {
      const error = new Error(`protection worker: ${carried.message}`);
      if (carried.stack !== undefined) error.stack = carried.stack;
      return error;
    }
    default: {
      const unexpected: never = carried;
      return new Error(`protection worker: unknown error ${JSON.stringify(unexpected)}`);
    }
  }
}
