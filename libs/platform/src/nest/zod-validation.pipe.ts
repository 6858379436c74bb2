import { type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { type z } from 'zod';
import { RequestValidationError, type ValidationIssue } from '../errors/http-mapped-error.js';

const partNames: Record<ArgumentMetadata['type'], string> = { body: 'body', query: 'query', param: 'path', custom: 'input' };

const escapePointerToken = (token: PropertyKey): string => String(token).replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * One issue per zod issue, its pointer into the request part. `at` is where the validated value sits in
 * that part: `['brin']` for `@Param('brin')`, so a bad path parameter is `/brin` as a bad body field is `/name`.
 */
export function toValidationIssues(error: z.ZodError, part: string, at: readonly PropertyKey[] = []): ValidationIssue[] {
  return error.issues.map((issue) => ({
    in: part,
    pointer: [...at, ...issue.path].map((p) => `/${escapePointerToken(p)}`).join(''),
    code: issue.code,
    message: issue.message,
  }));
}

/**
 * Validates (and transforms) a handler argument with a zod schema: `@Body(new ZodBody(schema)) body: z.infer<typeof schema>`.
 * Works for `@Query()` and `@Param()` too, whole or by name (`@Param('brin', pipe)`). A failure is a 400
 * `validation-failed` problem listing every issue.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(readonly schema: S) {}

  transform(value: unknown, metadata: ArgumentMetadata): z.output<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    // A named argument (`@Param('brin')`) is one member of its part, not the part as a whole.
    const at = metadata.data === undefined || metadata.data === '' ? [] : [metadata.data];
    throw new RequestValidationError(toValidationIssues(result.error, partNames[metadata.type] ?? 'input', at));
  }
}

/** Alias that reads well on a body: `@Body(new ZodBody(schema))`. */
export class ZodBody<S extends z.ZodType> extends ZodValidationPipe<S> {}
