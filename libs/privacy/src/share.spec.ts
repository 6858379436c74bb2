import { describe, expect, it } from 'vitest';
import { type ProtectedCell } from './model.js';
import { deriveShare } from './share.js';

const published = (value: number): ProtectedCell => ({ id: 'x', kind: 'count', suppressed: false, value, population: 40 });
const hidden: ProtectedCell = { id: 'y', kind: 'count', suppressed: true, value: null, reason: 'threshold', population: 40 };

describe('deriveShare', () => {
  it('divides a published count by its population', () => {
    expect(deriveShare(published(10), 40)).toEqual({ suppressed: false, value: 0.25 });
    expect(deriveShare(published(1), 3, { percent: true, decimals: 1 })).toEqual({ suppressed: false, value: 33.3 });
  });

  it('is suppressed, with the public reason rather than its count\'s, when its count is', () => {
    expect(deriveShare(hidden, 40)).toEqual({ suppressed: true, value: null, reason: 'suppressed' });
  });

  it('is suppressed when a published-count denominator is suppressed', () => {
    expect(deriveShare(published(10), { ...hidden, reason: 'secondary' })).toEqual({ suppressed: true, value: null, reason: 'suppressed' });
  });

  it('has no value over an empty unit', () => {
    expect(deriveShare(published(0), 0)).toEqual({ suppressed: false, value: null });
  });
});
