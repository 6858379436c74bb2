import type { CommandReply } from './stream-command-executor.js';

/** What a key is bound to once a request has claimed it. */
export interface KeyClaim {
  /** Fingerprint of method, path and body of the request that claimed the key. */
  readonly requestHash: string;
  readonly streamId: string;
  /** The answer to that request; null while it runs, or when its process stopped before answering. */
  readonly reply: CommandReply | null;
}

/**
 * Idempotency-Keys per caller, across streams: a key belongs to one request of one principal (token
 * subject), as in the IETF Idempotency-Key draft and Stripe. The event metadata still carries each key,
 * per stream; this record adds what metadata cannot hold: keys of requests on other streams and of
 * requests that recorded nothing (a no-op answered 200).
 */
export interface IdempotencyKeys {
  /** Binds (scope, key) to the request; returns the existing claim instead if there is one. */
  claim(scope: string, key: string, requestHash: string, streamId: string): Promise<KeyClaim | null>;
  /** Stores the answer of the request that holds the claim. */
  complete(scope: string, key: string, requestHash: string, reply: CommandReply): Promise<void>;
  /** Frees an unanswered claim whose request recorded nothing (it was refused or failed). */
  release(scope: string, key: string, requestHash: string): Promise<void>;
  close(): Promise<void>;
}

/** For unit tests and stores without a data dir; forgets everything on restart. */
export class InMemoryIdempotencyKeys implements IdempotencyKeys {
  private readonly claims = new Map<string, KeyClaim>();

  async claim(scope: string, key: string, requestHash: string, streamId: string): Promise<KeyClaim | null> {
    const id = JSON.stringify([scope, key]);
    const existing = this.claims.get(id);
    if (existing !== undefined) return existing;
    this.claims.set(id, { requestHash, streamId, reply: null });
    return null;
  }

  async complete(scope: string, key: string, requestHash: string, reply: CommandReply): Promise<void> {
    const id = JSON.stringify([scope, key]);
    const existing = this.claims.get(id);
    if (existing?.requestHash === requestHash) this.claims.set(id, { ...existing, reply });
  }

  async release(scope: string, key: string, requestHash: string): Promise<void> {
    const id = JSON.stringify([scope, key]);
    const existing = this.claims.get(id);
    if (existing?.requestHash === requestHash && existing.reply === null) this.claims.delete(id);
  }

  async close(): Promise<void> {}
}
