import { gemeenteCodeSchema, problemDetailsSchema } from '@npo/contracts';
import { idempotencyKeyPattern } from '@npo/platform';
import { z } from 'zod';
import { createReleaseBodySchema, evidenceQuerySchema, releaseNumberSchema, reportQuerySchema } from './query.js';

/*
 * The pieces of the analytics OpenAPI document that come from the zod schemas the controllers validate
 * with, so the document cannot drift from them. OpenAPI 3.1 uses JSON Schema 2020-12, zod's native target.
 */

/** A zod schema as the JSON Schema of what a client sends (`io: 'input'`: a release number is a string in a URL). */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

export const componentSchemas = {
  CreateReleaseBody: jsonSchemaOf(createReleaseBodySchema),
  ProblemDetails: jsonSchemaOf(problemDetailsSchema),
};
export const ref = (name: keyof typeof componentSchemas) => ({ $ref: `#/components/schemas/${name}` });

type ReportQueryName = keyof z.input<typeof reportQuerySchema>;
/** Which report a query parameter is documented on: the evidence report spans every school year. */
export type ReportView = 'national' | 'gemeente' | 'evidence';

const queryExamples: Record<ReportQueryName, string> = { schoolYear: '2021-2022', asOf: '2022-07-31', release: '1' };
const queryDescription = (name: ReportQueryName): string => {
  switch (name) {
    case 'schoolYear':
      return 'The school year to show; default the latest one with data in the release (404 if it has none for this year).';
    case 'asOf':
      return (
        'Ad hoc: the report as of the end of this day (Dutch time), computed on request and not stored (`release: null`). ' +
        'Roles ocw and admin only (401 without a token, 403 for another role); excludes `release`; may not lie in the future.'
      );
    case 'release':
      return 'The number of the release to read; default the latest release. Excludes `asOf`.';
  }
};

/**
 * Every key the (strict) report query schema accepts, each with the JSON Schema of its values: nothing
 * else is accepted (`format=csv` is a 400; the CSV form is the `.csv` path).
 */
export function reportQueryParameters(view: ReportView): object[] {
  // The evidence report spans every school year: its schema has no schoolYear.
  const { properties } = jsonSchemaOf(view === 'evidence' ? evidenceQuerySchema : reportQuerySchema) as { properties: Record<string, object> };
  return Object.entries(properties).map(([name, schema]) => {
    if (!(name in queryExamples)) throw new Error(`report query parameter ${name} has no documentation`);
    const known = name as ReportQueryName;
    return { name, in: 'query', required: false, description: queryDescription(known), schema, example: queryExamples[known] };
  });
}

export const gemeenteCodeParameter = {
  name: 'code',
  in: 'path',
  required: true,
  description: 'CBS gemeente code.',
  schema: jsonSchemaOf(gemeenteCodeSchema),
  example: 'GM0363',
};
export const releaseNumberParameter = {
  name: 'number',
  in: 'path',
  required: true,
  description: 'Release number, decimal digits only (`0x1`, `1e0` and `1.0` are refused).',
  schema: jsonSchemaOf(releaseNumberSchema),
  example: '1',
};

export const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the request safe to retry: a retry with the same key and the same body (fields in any order) gets the release the first ' +
    'request made (201, `Idempotent-Replayed: true`), also while that one is still being computed. Keys belong to the caller. ' +
    'Without a key every request makes a release.',
  schema: { type: 'string', pattern: idempotencyKeyPattern.source },
  example: 'ocw-2022-08',
};

export const problem = (description: string, headers?: Record<string, object>) => ({
  description,
  ...(headers === undefined ? {} : { headers }),
  content: { 'application/problem+json': { schema: ref('ProblemDetails') } },
});

export const retryAfterHeader = { 'Retry-After': { description: 'Seconds to wait before asking again.', schema: { type: 'integer' } } };
