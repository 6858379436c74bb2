import { START } from '@kurrent/kurrentdb-client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnreadableEventError } from './kurrentdb-errors.js';
import { toGlobalPosition, toKurrentPosition, toReadPosition, toRevision, toStreamPosition } from './positions.js';

const where = ['school-16SW', '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'] as const;

describe('KurrentDB positions', () => {
  it('carries a self-committed event position {p, p} as globalPosition p', () => {
    expect(toGlobalPosition({ commit: 1_048_576n, prepare: 1_048_576n }, ...where)).toBe(1_048_576);
    expect(toGlobalPosition({ commit: 0n, prepare: 0n }, ...where)).toBe(0);
  });

  it('refuses positions it cannot carry without losing uniqueness or precision', () => {
    const cases = [
      undefined, // a server older than 22.6 sends none on stream reads
      { commit: 5_000n, prepare: 4_800n }, // an event of an explicit transaction: commit shared with its siblings
      { commit: 2n ** 53n, prepare: 2n ** 53n },
      { commit: 18_446_744_073_709_551_615n, prepare: 18_446_744_073_709_551_615n }, // "unknown" on old servers
      { commit: -1n, prepare: -1n },
    ];
    for (const position of cases) {
      expect(() => toGlobalPosition(position, ...where)).toThrow(UnreadableEventError);
    }
  });

  it('resumes a $all read at the event itself, or at the start for -1', () => {
    expect(toReadPosition(-1)).toBe(START);
    expect(toReadPosition(0)).toEqual({ commit: 0n, prepare: 0n });
    expect(toReadPosition(123_456_789)).toEqual({ commit: 123_456_789n, prepare: 123_456_789n });
  });

  it('round-trips every safe non-negative globalPosition through the KurrentDB position, keeping order', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.maxSafeNat(), (a, b) => {
        const pa = toKurrentPosition(a);
        const pb = toKurrentPosition(b);
        expect(toGlobalPosition(pa, ...where)).toBe(a);
        expect(pa.commit < pb.commit).toBe(a < b);
      }),
    );
  });

  it('refuses to build a position from a negative or fractional globalPosition', () => {
    expect(() => toKurrentPosition(-1)).toThrow(RangeError);
    expect(() => toKurrentPosition(1.5)).toThrow(RangeError);
  });

  it('maps revisions and stream positions both ways within the safe range', () => {
    expect(toStreamPosition(0n, ...where)).toBe(0);
    expect(toStreamPosition(9_007_199_254_740_991n, ...where)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toStreamPosition(9_007_199_254_740_992n, ...where)).toThrow(UnreadableEventError);
    expect(toRevision(41)).toBe(41n);
  });
});
