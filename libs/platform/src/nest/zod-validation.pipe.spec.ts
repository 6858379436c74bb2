import type { ArgumentMetadata } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RequestValidationError, type ValidationIssue } from '../errors/http-mapped-error.js';
import { ZodBody, ZodValidationPipe } from './zod-validation.pipe.js';

/** The issues the pipe refuses `value` with, as the `errors` extension lists them. */
function issuesOf(pipe: ZodValidationPipe<z.ZodType>, value: unknown, metadata: ArgumentMetadata): readonly ValidationIssue[] {
  try {
    pipe.transform(value, metadata);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    return (error as RequestValidationError).issues;
  }
  throw new Error('the pipe accepted the value');
}

const brin = z.string().regex(/^[0-9]{2}[A-Z]{2}$/, 'BRIN must look like 16SW');
const param = (data: string | undefined): ArgumentMetadata => ({ type: 'param', data });

describe('ZodValidationPipe', () => {
  it('names the path parameter it validates in the pointer, so /brin and /code can be told apart', () => {
    expect(issuesOf(new ZodValidationPipe(brin), '16sw', param('brin'))).toEqual([
      { in: 'path', pointer: '/brin', code: 'invalid_format', message: 'BRIN must look like 16SW' },
    ]);
    expect(issuesOf(new ZodValidationPipe(z.string().length(2)), 'b33', param('code'))).toMatchObject([{ in: 'path', pointer: '/code' }]);
  });

  it('points into the parameters from their root when it validates them all at once', () => {
    const params = z.object({ brin, code: z.string() });
    expect(issuesOf(new ZodValidationPipe(params), { brin: '16sw', code: 'B3' }, param(undefined))).toMatchObject([{ in: 'path', pointer: '/brin' }]);
  });

  it('points into a body from its root, escaping ~ and / (RFC 6901)', () => {
    const body = z.object({ name: z.string(), findings: z.object({ 'a/b~c': z.number() }) });
    expect(issuesOf(new ZodBody(body), { name: 1, findings: { 'a/b~c': 'x' } }, { type: 'body' })).toMatchObject([
      { in: 'body', pointer: '/name', code: 'invalid_type' },
      { in: 'body', pointer: '/findings/a~1b~0c', code: 'invalid_type' },
    ]);
  });

  it('names a query parameter validated by name, and escapes the name as a pointer token', () => {
    expect(issuesOf(new ZodValidationPipe(z.string().min(3)), 'x', { type: 'query', data: 'as/of' })).toMatchObject([{ in: 'query', pointer: '/as~1of' }]);
  });

  it('returns what the schema made of a valid value', () => {
    expect(new ZodValidationPipe(z.string().trim()).transform(' 16SW ', param('brin'))).toBe('16SW');
  });
});
