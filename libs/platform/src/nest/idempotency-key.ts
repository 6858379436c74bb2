import type { FastifyRequest } from 'fastify';
import { RequestValidationError } from '../errors/http-mapped-error.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** What an Idempotency-Key may be: 1-200 printable ASCII characters (API documents take their pattern from here). */
export const idempotencyKeyPattern = /^[\x21-\x7E]{1,200}$/;

/** The request's Idempotency-Key, null without one; a malformed key is a 400 at the header. */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const raw = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (raw === undefined) return null;
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || !idempotencyKeyPattern.test(key)) {
    throw new RequestValidationError([
      { in: 'header', pointer: '/Idempotency-Key', code: 'invalid_format', message: 'Idempotency-Key must be 1-200 printable ASCII characters' },
    ]);
  }
  return key;
}

/**
 * A body as canonical JSON: object keys sorted at every depth, array order kept. `{"a":1,"b":2}` and
 * `{"b":2,"a":1}` are one request, so a retry whose client serialises fields in another order is still
 * a retry.
 */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    const entries = Object.keys(v)
      .sort()
      .map((k) => [k, sorted((v as Record<string, unknown>)[k])] as const);
    return Object.fromEntries(entries);
  };
  return JSON.stringify(sorted(value ?? null));
}
