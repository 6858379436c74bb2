import { expect } from 'vitest';
import type { HttpAnswer } from './http.js';

/**
 * The problem `type` per error kind, as clients see it (libs/platform problem kinds plus the school
 * API's own). Written out here rather than imported: a renamed kind must break these tests.
 */
export const problemTypes = {
  malformed: 'urn:npo:problem:malformed-request',
  validation: 'urn:npo:problem:validation-failed',
  unauthorized: 'urn:npo:problem:unauthorized',
  forbidden: 'urn:npo:problem:forbidden',
  notFound: 'urn:npo:problem:not-found',
  conflict: 'urn:npo:problem:conflict',
  tooLarge: 'urn:npo:problem:payload-too-large',
  unsupportedMediaType: 'urn:npo:problem:unsupported-media-type',
  ruleViolation: 'urn:npo:problem:rule-violation',
  idempotencyKeyReused: 'urn:npo:problem:idempotency-key-reused',
  preconditionRequired: 'urn:npo:problem:precondition-required',
} as const;

/** An RFC 9457 answer with the given status and type; returns the body for further checks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- extensions vary per kind
export function expectProblem(answer: HttpAnswer, status: number, type: string): any {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body, answer.text).toMatchObject({ type, status });
  expect(typeof answer.body.title).toBe('string');
  expect(answer.body.correlationId).toBe(answer.headers.get('x-correlation-id'));
  return answer.body;
}
