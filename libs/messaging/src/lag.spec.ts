import { describe, expect, it } from 'vitest';
import { lagOf } from './lag.js';

describe('lagOf', () => {
  const offsets = [
    { partition: 0, low: 0n, high: 100n },
    { partition: 1, low: 40n, high: 50n },
    { partition: 2, low: 0n, high: 0n },
  ];

  it('subtracts the next offset from the log end, and counts unconsumed partitions from their log start', () => {
    const lag = lagOf(offsets, new Map([[0, 90n], [1, null]]));
    expect(lag.partitions).toEqual([
      { partition: 0, lag: 10n },
      { partition: 1, lag: 10n },
      { partition: 2, lag: 0n },
    ]);
    expect(lag.total).toBe(20n);
  });

  it('never reports negative lag', () => {
    expect(lagOf([{ partition: 0, low: 0n, high: 5n }], new Map([[0, 7n]])).total).toBe(0n);
  });
});
