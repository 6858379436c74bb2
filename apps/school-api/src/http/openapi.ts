import {
  allocationBodySchema,
  brinPattern,
  commandAcceptedSchema,
  evaluationBodySchema,
  gemeenteCodePattern,
  interventionBodySchema,
  menukaartCodePattern,
  mrDecisionBodySchema,
  problemDetailsSchema,
  registerSchoolBodySchema,
  scanBodySchema,
  schoolPlanViewSchema,
  withdrawalBodySchema,
} from '@npo/contracts';
import { ExternalContextCreator } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Public } from '@npo/platform';
import type { onRequestAsyncHookHandler } from 'fastify';
import { z } from 'zod';

/*
 * The OpenAPI 3.1 document is generated from the same zod schemas the controllers validate with, so
 * the two cannot drift. OpenAPI 3.1 uses JSON Schema 2020-12, which is zod's native target.
 */

const schemas = {
  RegisterSchoolBody: registerSchoolBodySchema,
  ScanBody: scanBodySchema,
  InterventionBody: interventionBodySchema,
  WithdrawalBody: withdrawalBodySchema,
  MrDecisionBody: mrDecisionBodySchema,
  EvaluationBody: evaluationBodySchema,
  AllocationBody: allocationBodySchema,
  CommandAccepted: commandAcceptedSchema.extend({ eventId: z.string().nullable(), eventIds: z.array(z.string()) }),
  ProblemDetails: problemDetailsSchema,
  SchoolPlanView: schoolPlanViewSchema,
} as const;

type SchemaName = keyof typeof schemas;
const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

function componentSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('ProblemDetails') } } });

const errorResponses = (...statuses: number[]) => {
  const text: Record<number, string> = {
    400: 'Malformed JSON or a body, path or header that fails validation (`errors` lists each issue).',
    401: 'Missing, expired or invalid bearer token.',
    403: 'The token\'s role may not call this route, or a school/gemeente acts on another one.',
    404: 'Unknown school.',
    409: 'The stream kept changing under concurrent writers; retry the request.',
    413: 'Body larger than the configured limit.',
    415: 'Body is not `application/json`.',
    422: 'A domain rule is broken; `rule` names it. Also an Idempotency-Key this caller already used for a different request, on any route (`code`: `IDEMPOTENCY_KEY_REUSED`).',
    428: 'No Idempotency-Key (`code`: `IDEMPOTENCY_KEY_REQUIRED`); nothing was recorded. Send one unique per allocation and reuse it on retry.',
  };
  return Object.fromEntries(statuses.map((s) => [String(s), problem(text[s] ?? 'Error')]));
};

/**
 * A JSON Schema `pattern` from the regex the server validates with (@npo/contracts), so the two cannot
 * drift. A pattern cannot carry flags, so a regex with flags would be documented wrongly: refuse it.
 */
function jsonSchemaPattern(regex: RegExp): string {
  if (regex.flags !== '') throw new Error(`${String(regex)} has flags, which a JSON Schema pattern cannot express`);
  return regex.source;
}

const brin = { name: 'brin', in: 'path', required: true, schema: { type: 'string', pattern: jsonSchemaPattern(brinPattern) }, example: '16SW' };
const code = { name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: jsonSchemaPattern(menukaartCodePattern) }, example: 'B3' };
const gemeente = { name: 'code', in: 'path', required: true, schema: { type: 'string', pattern: jsonSchemaPattern(gemeenteCodePattern) }, example: 'GM0363' };
const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Makes a retried request return the first response without recording a second event (replays carry `Idempotent-Replayed: true`).',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
};
// Allocations add up and the domain cannot tell a retry from a second allocation, so there the key is
// what keeps a retry from counting the money twice (the controllers refuse a request without it).
const requiredIdempotencyKey = {
  ...idempotencyKey,
  required: true,
  description:
    'Required: a key unique to this allocation (e.g. a UUID), sent again unchanged on every retry. A retry returns the first response ' +
    'without recording a second allocation (replays carry `Idempotent-Replayed: true`); without the key the request is refused with 428.',
};

interface CommandOptions {
  /** The route answers 428 without an Idempotency-Key. */
  readonly idempotencyKeyRequired?: boolean;
}

const command = (summary: string, body: SchemaName, roles: string, parameters: object[], options: CommandOptions = {}) => ({
  summary,
  description: options.idempotencyKeyRequired ? `Roles: ${roles}. Requires an Idempotency-Key.` : `Roles: ${roles}.`,
  parameters: [...parameters, options.idempotencyKeyRequired ? requiredIdempotencyKey : idempotencyKey],
  requestBody: { required: true, content: { 'application/json': { schema: ref(body) } } },
  responses: {
    '201': { description: 'Recorded (or replayed for a repeated Idempotency-Key).', content: { 'application/json': { schema: ref('CommandAccepted') } } },
    '200': { description: 'Nothing new to record (an identical repeat); the current stream head.', content: { 'application/json': { schema: ref('CommandAccepted') } } },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, ...(options.idempotencyKeyRequired ? [428] : [])),
  },
});
const allocation = { idempotencyKeyRequired: true } as const;

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'NPO school API',
      version,
      description:
        'Schools record their Nationaal Programma Onderwijs decisions; every accepted command is an immutable event. ' +
        'Errors are RFC 9457 problem details with a stable `type` URN.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/schools/{brin}': {
        put: command('Register a school or update its reference data', 'RegisterSchoolBody', 'ocw, admin', [brin]),
        get: {
          summary: "The school's current plan per school year",
          description: 'Roles: the school itself (with scan findings), ocw, admin (without findings).',
          parameters: [brin],
          responses: {
            '200': { description: 'The plan', content: { 'application/json': { schema: ref('SchoolPlanView') } } },
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      '/v1/schools/{brin}/scans': { post: command('Record a completed schoolscan', 'ScanBody', 'school (own BRIN)', [brin]) },
      '/v1/schools/{brin}/interventions': { post: command('Choose a menukaart intervention', 'InterventionBody', 'school (own BRIN)', [brin]) },
      '/v1/schools/{brin}/interventions/{code}/withdrawals': {
        post: command('Withdraw a chosen intervention', 'WithdrawalBody', 'school (own BRIN)', [brin, code]),
      },
      '/v1/schools/{brin}/mr-decisions': { post: command("Record the MR's decision on the plan", 'MrDecisionBody', 'school (own BRIN)', [brin]) },
      '/v1/schools/{brin}/evaluations': { post: command('Evaluate a chosen intervention', 'EvaluationBody', 'school (own BRIN)', [brin]) },
      '/v1/schools/{brin}/allocations': { post: command('Allocate NPO funds to a school', 'AllocationBody', 'ocw', [brin], allocation) },
      '/v1/gemeenten/{code}/allocations': { post: command('Allocate NPO funds to a gemeente', 'AllocationBody', 'ocw', [gemeente], allocation) },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, componentSchema(schema)])),
    },
  };
}

/** Where the document and the interactive docs are served. */
export const docsRoutes = { ui: '/docs', json: '/openapi.json', yaml: '/openapi.yaml' } as const;

const isDocsRoute = (url: string): boolean => url === docsRoutes.json || url === docsRoutes.yaml || url === docsRoutes.ui || url.startsWith(`${docsRoutes.ui}/`);

/** What the docs routes are to the app's guard: a public handler (no token needed; one that is sent must be valid). */
class DocsRoutes {
  @Public()
  serve(): void {}
}

/**
 * `/openapi.json`, `/openapi.yaml` and the interactive `/docs`. Swagger registers them on Fastify directly,
 * past Nest's guards, so each of them runs the app's global guards first, as a @Public() handler would:
 * a client whose Bearer token expired learns it here as on /health/*, by the same code.
 */
export function serveOpenApiDocs(app: NestFastifyApplication, version: string): void {
  const routes = new DocsRoutes();
  // The handler itself, not a bound copy: the guard reads @Public() from the function's metadata.
  const guarded = app
    .get(ExternalContextCreator)
    .create(routes, DocsRoutes.prototype.serve, 'serve', undefined, undefined, undefined, undefined, { guards: true, interceptors: false, filters: false });
  const checkToken: onRequestAsyncHookHandler = async (request, reply) => {
    await guarded(request, reply);
  };
  // onRoute sees the routes Swagger adds, also those of its static-asset plugin registered later.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (isDocsRoute(route.url)) route.onRequest = [...[route.onRequest ?? []].flat(), checkToken];
    });
  const document = buildOpenApiDocument(version) as unknown as OpenAPIObject;
  SwaggerModule.setup(docsRoutes.ui.slice(1), app, document, {
    jsonDocumentUrl: docsRoutes.json.slice(1),
    yamlDocumentUrl: docsRoutes.yaml.slice(1),
    customSiteTitle: 'NPO school API',
  });
}
