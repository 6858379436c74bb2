import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planBatch } from './batch-plan.js';

const offsets = (from: number, count: number) => Array.from({ length: count }, (_, i) => BigInt(from + i));

describe('planBatch', () => {
  it('seeks when the first batch after an assignment starts elsewhere than the stored position', () => {
    expect(planBatch(10n, false, 0n, offsets(0, 20))).toEqual({ kind: 'seek', offset: 10n });
    expect(planBatch(10n, false, 15n, offsets(15, 5))).toEqual({ kind: 'seek', offset: 10n });
  });

  it('hands over the whole batch when it starts at the position', () => {
    expect(planBatch(10n, false, 10n, offsets(10, 5))).toEqual({ kind: 'handle', fromOffset: 10n, skip: 0 });
    expect(planBatch(10n, true, 10n, offsets(10, 5))).toEqual({ kind: 'handle', fromOffset: 10n, skip: 0 });
  });

  it('drops the already handled prefix of a re-delivered batch', () => {
    expect(planBatch(12n, true, 10n, offsets(10, 5))).toEqual({ kind: 'handle', fromOffset: 12n, skip: 2 });
  });

  it('skips a batch that holds nothing new', () => {
    expect(planBatch(20n, true, 10n, offsets(10, 5))).toEqual({ kind: 'skip' });
  });

  it('accepts a later batch that starts past the position (records the client never delivers)', () => {
    expect(planBatch(10n, true, 12n, offsets(12, 3))).toEqual({ kind: 'handle', fromOffset: 10n, skip: 0 });
  });

  it('never lets an offset below the position reach the handler', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.boolean(), fc.nat(100), fc.nat(30), (expected, confirmed, fetched, count) => {
        const msgs = offsets(fetched, count);
        const plan = planBatch(BigInt(expected), confirmed, BigInt(fetched), msgs);
        if (plan.kind !== 'handle') return;
        const handed = msgs.slice(plan.skip);
        expect(handed.length).toBeGreaterThan(0);
        expect(handed.every((o) => o >= BigInt(expected))).toBe(true);
        // and nothing at or above the position is dropped
        expect(msgs.slice(0, plan.skip).every((o) => o < BigInt(expected))).toBe(true);
      }),
    );
  });
});
