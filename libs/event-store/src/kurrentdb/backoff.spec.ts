import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { DEFAULT_RECONNECT_POLICY, normaliseReconnectPolicy, reconnectDelay } from './backoff.js';

const policy = { initialDelayMs: 100, maxDelayMs: 5_000, maxAttempts: Number.POSITIVE_INFINITY };

describe('reconnect backoff', () => {
  it('doubles from the initial delay and stops at the ceiling (no jitter at random = 1)', () => {
    const nominal = [1, 2, 3, 4, 5, 6, 7, 10, 100].map((attempt) => reconnectDelay(attempt, policy, 1 - Number.EPSILON));
    expect(nominal).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it('keeps every delay between half and all of the nominal one', () => {
    for (const attempt of [1, 3, 8]) {
      const nominal = Math.min(5_000, 100 * 2 ** (attempt - 1));
      expect(reconnectDelay(attempt, policy, 0)).toBe(nominal / 2);
      const jittered = reconnectDelay(attempt, policy, 0.37);
      expect(jittered).toBeGreaterThanOrEqual(nominal / 2);
      expect(jittered).toBeLessThanOrEqual(nominal);
    }
  });

  it('does not overflow for absurd attempt counts', () => {
    expect(reconnectDelay(10_000, policy, 0.5)).toBe(3_750);
  });

  it('fills in defaults and refuses inconsistent settings', () => {
    expect(normaliseReconnectPolicy(undefined)).toEqual(DEFAULT_RECONNECT_POLICY);
    expect(normaliseReconnectPolicy({ maxAttempts: 3 }).maxAttempts).toBe(3);
    expect(() => normaliseReconnectPolicy({ initialDelayMs: -1 })).toThrow(InvalidArgumentError);
    expect(() => normaliseReconnectPolicy({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(InvalidArgumentError);
    expect(() => normaliseReconnectPolicy({ maxAttempts: 0 })).toThrow(InvalidArgumentError);
    expect(() => normaliseReconnectPolicy({ maxAttempts: 2.5 })).toThrow(InvalidArgumentError);
  });
});
