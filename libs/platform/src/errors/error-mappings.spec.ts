import { describe, expect, it } from 'vitest';
import { ErrorMappings, mapError, mapErrorCode, mapErrorWhen } from './error-mappings.js';
import { ConflictError, RequestValidationError, RuleViolationError } from './http-mapped-error.js';
import { kindForStatus, problems, problemType, titleFor } from './problem.js';

class RuleBroken extends Error {
  constructor(readonly rule: string) {
    super(`rule ${rule} broken`);
  }
}
class SpecificRuleBroken extends RuleBroken {}
class CodedError extends Error {
  readonly code = 'STREAM_CONFLICT';
}

describe('ErrorMappings', () => {
  it('maps by class, subclasses included', () => {
    const mappings = new ErrorMappings([mapError(RuleBroken, (e) => problems.ruleViolation(e.rule, e.message))]);
    expect(mappings.resolve(new SpecificRuleBroken('f-needs-a-e'))).toEqual({
      status: 422,
      kind: 'rule-violation',
      detail: 'rule f-needs-a-e broken',
      extensions: { rule: 'f-needs-a-e' },
    });
    expect(mappings.resolve(new Error('other'))).toBeUndefined();
  });

  it('maps by stable code and by predicate', () => {
    const mappings = new ErrorMappings()
      .register(mapErrorCode('STREAM_CONFLICT', () => problems.conflict('changed meanwhile')))
      .register(mapErrorWhen((e): e is string => typeof e === 'string', (e) => problems.malformed(e)));
    expect(mappings.resolve(new CodedError('x'))?.status).toBe(409);
    expect(mappings.resolve('bad')?.kind).toBe('malformed-request');
    expect(mappings.resolve({ code: 'STREAM_CONFLICT' })).toBeUndefined(); // not an Error
  });

  it('uses the first matching rule in registration order', () => {
    const mappings = new ErrorMappings([
      mapError(SpecificRuleBroken, () => problems.forbidden('specific')),
      mapError(RuleBroken, () => problems.notFound('general')),
    ]);
    expect(mappings.resolve(new SpecificRuleBroken('x'))?.detail).toBe('specific');
    expect(mappings.resolve(new RuleBroken('x'))?.detail).toBe('general');
  });
});

describe('problem vocabulary', () => {
  it('builds type URNs under one base', () => {
    expect(problemType('rule-violation')).toBe('urn:npo:problem:rule-violation');
  });

  it('gives bare statuses a generic kind and a title', () => {
    expect(kindForStatus(404)).toBe('not-found');
    expect(kindForStatus(400)).toBe('malformed-request');
    expect(kindForStatus(418)).toBe('http-418');
    expect(kindForStatus(502)).toBe('internal-error');
    expect(titleFor('http-418', 418)).toBe("I'm a Teapot");
    expect(titleFor('conflict', 409)).toBe('Conflict');
  });

  it('typed errors carry a stable code and their problem', () => {
    expect(new RuleViolationError('mr-needs-scan', 'no scan').toProblem()).toMatchObject({ status: 422, extensions: { rule: 'mr-needs-scan' } });
    expect(new ConflictError('busy').code).toBe('CONFLICT');
    const validation = new RequestValidationError([{ in: 'query', pointer: '/schoolYear', code: 'invalid_format', message: 'bad' }]);
    expect(validation.toProblem()).toMatchObject({ status: 400, kind: 'validation-failed', extensions: { errors: [{ pointer: '/schoolYear' }] } });
    expect(validation.message).toContain('query');
  });
});
