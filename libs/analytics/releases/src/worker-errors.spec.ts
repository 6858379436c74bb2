import { InvalidParametersError, InvalidReleaseInputError, ReleaseRefusedError, SolverError } from '@npo/privacy';
import { describe, expect, it } from 'vitest';
import { carryError, reviveError } from './worker-errors.js';

// What crosses the worker boundary is a structured clone; the API maps errors by class, so they must
// come back as the same classes with the fields the problem responses use.
const crossing = (error: unknown): Error => reviveError(structuredClone(carryError(error)));

describe('errors from the protection worker', () => {
  it('a refused release comes back refused, with its failing cells', () => {
    const cells = [{ cellId: 'GM0060|int:B3:n', reason: 'threshold' as const, lower: 2, upper: 2, exact: true, protectionRequired: { lower: 0, upper: 5, minWidth: 1 }, ok: false }];
    const revived = crossing(new ReleaseRefusedError('R000002', cells));
    expect(revived).toBeInstanceOf(ReleaseRefusedError);
    expect((revived as ReleaseRefusedError).cells).toEqual(cells);
    expect(revived.message).toBe(new ReleaseRefusedError('R000002', cells).message);
  });

  it('input and parameter errors keep their issues; solver errors their status and message', () => {
    const input = crossing(new InvalidReleaseInputError(['cell x appears twice']));
    expect(input).toBeInstanceOf(InvalidReleaseInputError);
    expect((input as InvalidReleaseInputError).issues).toEqual(['cell x appears twice']);
    const params = crossing(new InvalidParametersError(['minFrequency must be a positive integer']));
    expect(params).toBeInstanceOf(InvalidParametersError);
    expect((params as InvalidParametersError).issues).toEqual(['minFrequency must be a positive integer']);
    const original = new SolverError(8, 'no optimum while bounding a');
    const solver = crossing(original);
    expect(solver).toBeInstanceOf(SolverError);
    expect([(solver as SolverError).status, solver.message]).toEqual([8, original.message]);
  });

  it('anything else arrives as a plain error naming the worker, with the original message', () => {
    const revived = crossing(new RangeError('out of memory in HiGHS'));
    expect(revived.constructor).toBe(Error);
    expect(revived.message).toBe('protection worker: out of memory in HiGHS');
  });
});
