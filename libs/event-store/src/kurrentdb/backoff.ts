import { InvalidArgumentError } from '../errors.js';

export interface ReconnectPolicy {
  /** Delay before the first reconnect attempt. Default 100 ms. */
  readonly initialDelayMs: number;
  /** Ceiling of the exponential growth. Default 5 s. */
  readonly maxDelayMs: number;
  /** Consecutive failed attempts before the subscription gives up with the last error. Default: never. */
  readonly maxAttempts: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { initialDelayMs: 100, maxDelayMs: 5_000, maxAttempts: Number.POSITIVE_INFINITY };

export function normaliseReconnectPolicy(policy: Partial<ReconnectPolicy> | undefined): ReconnectPolicy {
  const merged = { ...DEFAULT_RECONNECT_POLICY, ...policy };
  const { initialDelayMs, maxDelayMs, maxAttempts } = merged;
  if (!Number.isFinite(initialDelayMs) || initialDelayMs < 0) throw new InvalidArgumentError('reconnect.initialDelayMs', 'must be a number >= 0');
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < initialDelayMs) throw new InvalidArgumentError('reconnect.maxDelayMs', 'must be >= initialDelayMs');
  if (!(maxAttempts === Number.POSITIVE_INFINITY || (Number.isSafeInteger(maxAttempts) && maxAttempts >= 1))) {
    throw new InvalidArgumentError('reconnect.maxAttempts', 'must be an integer >= 1 or Infinity');
  }
  return merged;
}

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential, capped, with "equal jitter" — half
 * fixed, half random — so many subscribers that lost the same server do not come back in lock-step,
 * yet every wait is at least half the nominal one. `random` is in [0, 1).
 */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy, random: number): number {
  const nominal = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(Math.max(attempt - 1, 0), 52));
  return Math.round(nominal / 2 + (nominal / 2) * random);
}
