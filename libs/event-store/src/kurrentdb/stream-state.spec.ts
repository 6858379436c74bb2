import { ANY, NO_STREAM, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { toActualVersion, toStreamState } from './stream-state.js';

describe('expected version <-> KurrentDB stream state', () => {
  it.each([
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    ['any', ANY],
  ] as const)('maps %s to the client constant', (expected, state) => {
    expect(toStreamState(expected)).toBe(state);
  });

  it('maps an exact version to the same revision as a bigint', () => {
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(1_234)).toBe(1_234n);
    expect(toStreamState(Number.MAX_SAFE_INTEGER)).toBe(9_007_199_254_740_991n);
  });

  it('reads the actual version of a conflict, with every "no events" spelling as no_stream', () => {
    expect(toActualVersion(3n)).toBe(3);
    expect(toActualVersion(0n)).toBe(0);
    expect(toActualVersion(NO_STREAM)).toBe('no_stream');
    expect(toActualVersion(-1n)).toBe('no_stream'); // metadata path of the gRPC error
    expect(toActualVersion(-5n)).toBe('no_stream'); // deleted
    expect(toActualVersion(undefined)).toBe('no_stream');
  });
});
