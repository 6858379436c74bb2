import { canonicalJson, HttpMappedError, RequestValidationError, type Principal } from '@npo/platform';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { commandMetaOf, IdempotencyKeyRequiredError, requestFingerprint } from './command-meta.js';

const ocw: Principal = { role: 'ocw', sub: 'ocw' };

/** Only what commandMetaOf reads of a request. */
const requestWith = (headers: Record<string, string> = {}): FastifyRequest =>
  ({ id: 'req-1', method: 'POST', url: '/v1/schools/16SW/allocations', headers, body: { amountCents: 1 } }) as unknown as FastifyRequest;

describe('commandMetaOf', () => {
  it('takes a request without an Idempotency-Key when the route does not require one', () => {
    const meta = commandMetaOf(requestWith(), ocw);
    expect(meta).toMatchObject({ idempotencyKey: null, requestHash: null, correlationId: 'req-1' });
  });

  it('refuses a request without an Idempotency-Key with 428 IDEMPOTENCY_KEY_REQUIRED when the route requires one', () => {
    const refusal = (() => {
      try {
        commandMetaOf(requestWith(), ocw, { requireIdempotencyKey: true });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(IdempotencyKeyRequiredError);
    expect(refusal).toBeInstanceOf(HttpMappedError);
    const { code, problem } = refusal as IdempotencyKeyRequiredError;
    expect(code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect(problem).toMatchObject({ status: 428, kind: 'precondition-required' });
    expect(problem.detail).toMatch(/unique to this allocation.*same key again when retrying/);
  });

  it('takes a required key as it takes an optional one, with the request hash for reuse detection', () => {
    const meta = commandMetaOf(requestWith({ 'idempotency-key': 'alloc-1' }), ocw, { requireIdempotencyKey: true });
    expect(meta.idempotencyKey).toBe('alloc-1');
    expect(meta.requestHash).toEqual(expect.any(String));
  });

  it('fingerprints the body by its fields, not their order, at every depth', () => {
    const a = { schoolYear: '2022-2023', findings: { rekenen: 'mild', taal: 'none' }, list: [{ x: 1, y: 2 }] };
    const b = { list: [{ y: 2, x: 1 }], findings: { taal: 'none', rekenen: 'mild' }, schoolYear: '2022-2023' };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestFingerprint('POST', '/v1/schools/16SW/scans', a)).toBe(requestFingerprint('POST', '/v1/schools/16SW/scans', b));
  });

  it('tells apart what differs: a value, array order, the path or the method', () => {
    const body = { amountCents: 1, tags: ['a', 'b'] };
    const print = requestFingerprint('POST', '/v1/schools/16SW/allocations', body);
    expect(requestFingerprint('POST', '/v1/schools/16SW/allocations', { ...body, amountCents: 2 })).not.toBe(print);
    expect(requestFingerprint('POST', '/v1/schools/16SW/allocations', { ...body, tags: ['b', 'a'] })).not.toBe(print);
    expect(requestFingerprint('POST', '/v1/schools/17XX/allocations', body)).not.toBe(print);
    expect(requestFingerprint('PUT', '/v1/schools/16SW/allocations', body)).not.toBe(print);
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('scopes keys by the token subject (with its role)', () => {
    expect(commandMetaOf(requestWith({ 'idempotency-key': 'k' }), ocw).keyScope).toBe('ocw:ocw');
    expect(commandMetaOf(requestWith({ 'idempotency-key': 'k' }), { role: 'school', sub: 'juf-ans', brin: '16SW' }).keyScope).toBe('school:juf-ans');
  });

  it('answers a malformed key as invalid (400), not as missing, even where the key is required', () => {
    expect(() => commandMetaOf(requestWith({ 'idempotency-key': 'has space' }), ocw, { requireIdempotencyKey: true })).toThrow(RequestValidationError);
  });
});
