import { type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { type z } from 'zod';
import { RequestValidationError, type ValidationIssue } from '../errors/http-mapped-error.js';

const partNames: Record<ArgumentMetadata['type'], string> = { body: 'body', query: 'query', param: 'path', custom: 'input' };

const escapePointerToken = (token: PropertyKey): string => String(token).replaceAll('~', '~0').replaceAll('/', '~1');

export function toValidationIssues(error: z.ZodError, part: string): ValidationIssue[] {
  return error.issues.map((issue) => ({
    in: part,
    pointer: issue.path.map((p) => `/${escapePointerToken(p)}`).join(''),
    code: issue.code,
    message: issue.message,
  }));
}

/**
 * Validates (and transforms) a handler argument with a zod schema: `@Body(new ZodBody(schema)) body: z.infer<typeof schema>`.
 * Works for `@Query()` and `@Param()` too. A failure is a 400 `validation-failed` problem listing every issue.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new RequestValidationError(toValidationIssues(result.error, partNames[metadata.type] ?? 'input'));
  }
}

/** Alias that reads well on a body: `@Body(new ZodBody(schema))`. */
export class ZodBody<S extends z.ZodType> extends ZodValidationPipe<S> {}
