import { describe, expect, it } from 'vitest';
import { percentile, ratio, spread } from './stats.js';

describe('spread', () => {
  it('takes the middle value of an odd count and the mean of the middle two of an even count', () => {
    expect(spread([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(spread([4, 1, 3, 10])).toEqual({ median: 3.5, min: 1, max: 10 });
    expect(spread([7])).toEqual({ median: 7, min: 7, max: 7 });
  });

  it('is undefined without values', () => {
    expect(spread([])).toBeUndefined();
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    spread(values);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('ratio', () => {
  it('divides, and refuses a peer that made no progress', () => {
    expect(ratio(300, 100)).toBe(3);
    expect(ratio(300, 0)).toBeUndefined();
    expect(ratio(undefined, 100)).toBeUndefined();
    expect(ratio(300, undefined)).toBeUndefined();
  });
});

describe('percentile', () => {
  it('is the nearest rank: always a measured value, the smallest with p% at or below it', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([3, 1, 2], 95)).toBe(3);
    expect(percentile([7], 0)).toBe(7);
  });

  it('is undefined without values', () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});
