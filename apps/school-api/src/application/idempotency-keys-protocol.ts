import type { KeyCall, StoredClaim } from './idempotency-key-table.js';

/** Messages to the key store's thread. */
export type ThreadRequest = { readonly kind: 'apply'; readonly seq: number; readonly calls: readonly KeyCall[] } | { readonly kind: 'close' };

/** An error as it crosses the thread boundary (structured clone keeps message, not class or code). */
export interface CarriedError {
  readonly message: string;
  readonly code?: string;
}

/** Messages from it. */
export type ThreadReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: CarriedError }
  | { readonly kind: 'applied'; readonly seq: number; readonly results: readonly (StoredClaim | undefined)[] }
  | { readonly kind: 'refused'; readonly seq: number; readonly error: CarriedError };
