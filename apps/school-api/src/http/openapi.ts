import { maxHeaderSize } from 'node:http';
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
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { docsRoutes, guardDocsRoutes, idempotencyKeyPattern, type ReadinessReport, type ValidationIssue } from '@npo/platform';
import { z } from 'zod';

/*
 * The OpenAPI 3.1 document is generated from the same zod schemas the controllers validate with, so
 * the two cannot drift. OpenAPI 3.1 uses JSON Schema 2020-12, which is zod's native target. The
 * statuses and headers are the ones the platform (guard, pipes, problem filter, HTTP edge) and
 * schoolApiErrorMappings can answer on each route.
 */

/** One entry of a 400's `errors`, as the platform's pipes and header checks report it. */
const validationIssueSchema = z.object({
  in: z.enum(['body', 'path', 'header']).describe('The part of the request that failed.'),
  pointer: z
    .string()
    .describe('RFC 6901 JSON Pointer into that part: `/pupils` in the body, `/brin` in the path, `/Idempotency-Key` among the headers; `""` for the part as a whole.'),
  code: z.string().describe('What failed, e.g. `invalid_type`, `invalid_format`, `too_big`, `unrecognized_keys`.'),
  message: z.string(),
}) satisfies z.ZodType<ValidationIssue>;

const healthLiveSchema = z.object({ status: z.literal('ok') });
const healthReadySchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z
    .record(z.string(), z.enum(['up', 'down']))
    .describe('Each check by name (`event-store`; `shutdown` while the process stops), never why it is down: that is in the log.'),
}) satisfies z.ZodType<{ status: 'ok' | 'unavailable' } & Pick<ReadinessReport, 'checks'>>;

const schemas = {
  RegisterSchoolBody: registerSchoolBodySchema,
  ScanBody: scanBodySchema,
  InterventionBody: interventionBodySchema,
  WithdrawalBody: withdrawalBodySchema,
  MrDecisionBody: mrDecisionBodySchema,
  EvaluationBody: evaluationBodySchema,
  AllocationBody: allocationBodySchema,
  CommandAccepted: commandAcceptedSchema.extend({ eventId: z.string().nullable(), eventIds: z.array(z.string()) }),
  ProblemDetails: problemDetailsSchema.extend({
    errors: z.array(validationIssueSchema).optional().describe('On a 400 `validation-failed`: every issue found, one entry each.'),
  }),
  SchoolPlanView: schoolPlanViewSchema,
  HealthLive: healthLiveSchema,
  HealthReady: healthReadySchema,
} as const;

type SchemaName = keyof typeof schemas;
const ref = (name: SchemaName) => ({ $ref: `#/components/schemas/${name}` });

function componentSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

const headers = {
  CorrelationId: {
    description:
      "On every response, errors included: the request's id, also the problem's `correlationId` and the `correlationId` in the metadata of " +
      'the events it recorded. Quote it when reporting a problem.',
    schema: { type: 'string' },
  },
  IdempotentReplayed: {
    description: '`true` when this answers a retry of a request already answered under the same Idempotency-Key: the first response again, nothing recorded.',
    schema: { type: 'string', enum: ['true'] },
  },
  WWWAuthenticate: { description: 'How to authenticate: a Bearer token.', schema: { type: 'string', example: 'Bearer realm="npo"' } },
  Allow: { description: 'The methods the path takes.', schema: { type: 'string', example: 'GET, HEAD, PUT' } },
  RetryAfter: { description: 'Seconds to wait before retrying.', schema: { type: 'string', example: '1' } },
} as const;
type HeaderName = keyof typeof headers;
const headerRef = (name: HeaderName) => ({ $ref: `#/components/headers/${name}` });
const correlated = (more: Record<string, object> = {}) => ({ 'x-correlation-id': headerRef('CorrelationId'), ...more });

const json = (description: string, schema: object, more?: Record<string, object>) => ({
  description,
  headers: correlated(more),
  content: { 'application/json': { schema } },
});
const problem = (description: string, more?: Record<string, object>) => ({
  description,
  headers: correlated(more),
  content: { 'application/problem+json': { schema: ref('ProblemDetails') } },
});

/** Statuses the HTTP edge answers before routing or for a request no operation takes; see `components.responses`. */
const edgeResponses = {
  MethodNotAllowed: problem('The path exists but does not take this method (`type` `urn:npo:problem:method-not-allowed`); `Allow` lists the methods it takes.', {
    Allow: headerRef('Allow'),
  }),
  UriTooLong: problem('A path segment is longer than the router takes (a path parameter far beyond its pattern).'),
  RequestHeaderFieldsTooLarge: problem(
    `The request line and headers together exceed ${maxHeaderSize} bytes. Answered before routing, without \`instance\`; the connection is then closed.`,
  ),
  NotImplemented: problem('A request method this service does not know at all (e.g. `FOO`), on any path. Answered before routing; the connection is then closed.'),
} as const;
const edgeRef = (name: keyof typeof edgeResponses) => ({ $ref: `#/components/responses/${name}` });

const statusText: Record<number, string> = {
  400: 'Malformed JSON or a body, path or header that fails validation (`errors` lists each issue).',
  401: 'Missing, expired or invalid bearer token.',
  403: "The token's role may not call this route, or a school/gemeente acts on another one.",
  404: 'Unknown school.',
  409: 'The stream kept changing under concurrent writers; retry the request.',
  413: 'Body larger than the configured limit.',
  415: 'Body is not `application/json` in UTF-8, or has a `Content-Encoding`.',
  422: 'A domain rule is broken; `rule` names it. Also an Idempotency-Key this caller already used for a different request, on any route (`code`: `IDEMPOTENCY_KEY_REUSED`).',
  428: 'No Idempotency-Key (`code`: `IDEMPOTENCY_KEY_REQUIRED`); nothing was recorded. Send one unique per allocation and reuse it on retry.',
  500: 'An unexpected error, or recorded history this version cannot read. Quote the `correlationId`.',
  503: 'The event store (for a command also the Idempotency-Key store) is unavailable; nothing was recorded. Retry after `Retry-After` seconds.',
};
const statusHeaders: Record<number, Record<string, object>> = {
  401: { 'WWW-Authenticate': headerRef('WWWAuthenticate') },
  503: { 'Retry-After': headerRef('RetryAfter') },
};

const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => {
      if (s === 414) return [String(s), edgeRef('UriTooLong')];
      if (s === 431) return [String(s), edgeRef('RequestHeaderFieldsTooLarge')];
      return [String(s), problem(statusText[s] ?? 'Error', statusHeaders[s])];
    }),
  );

/**
 * A JSON Schema `pattern` from the regex the server validates with (@npo/contracts, @npo/platform), so the
 * two cannot drift. A pattern cannot carry flags, so a regex with flags would be documented wrongly: refuse it.
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
  description:
    'Makes a retried request return the first response without recording a second event (replays carry `Idempotent-Replayed: true`). ' +
    '1-200 printable ASCII characters, no spaces; another value is a 400.',
  schema: { type: 'string', pattern: jsonSchemaPattern(idempotencyKeyPattern) },
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
  /** The route can answer 404: it acts on a school that must be registered first. Default true. */
  readonly unknownSchool?: boolean;
  /** What 201 and 200 mean on this route, where it differs from other commands. */
  readonly created?: string;
  readonly ok?: string;
}

const replayNote = 'A retry under the same Idempotency-Key answers the first response again (its status and body) with `Idempotent-Replayed: true`.';

const command = (summary: string, body: SchemaName, roles: string, parameters: object[], options: CommandOptions = {}) => {
  const accepted = (description: string) => json(`${description} ${replayNote}`, ref('CommandAccepted'), { 'Idempotent-Replayed': headerRef('IdempotentReplayed') });
  return {
    summary,
    description: options.idempotencyKeyRequired ? `Roles: ${roles}. Requires an Idempotency-Key.` : `Roles: ${roles}.`,
    parameters: [...parameters, options.idempotencyKeyRequired ? requiredIdempotencyKey : idempotencyKey],
    requestBody: { required: true, content: { 'application/json': { schema: ref(body) } } },
    responses: {
      '201': accepted(options.created ?? 'Recorded; `eventIds` names the new events.'),
      '200': accepted(options.ok ?? 'Nothing new to record (an identical repeat); the current stream head.'),
      ...errorResponses(
        400,
        401,
        403,
        ...(options.unknownSchool === false ? [] : [404]),
        409,
        413,
        414,
        415,
        422,
        ...(options.idempotencyKeyRequired ? [428] : []),
        431,
        500,
        503,
      ),
    },
  };
};
const allocation = { idempotencyKeyRequired: true } as const;

/** No token needed; one that is sent must be valid (a Bearer token that does not verify is a 401). */
const publicAccess = [{}, { bearer: [] }];
const publicErrorResponses = {
  ...errorResponses(431),
  '401': problem('A Bearer token was sent and does not verify (expired, forged, malformed); none is needed.', statusHeaders[401]),
};

export function buildOpenApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'NPO school API',
      version,
      description:
        'Schools record their Nationaal Programma Onderwijs decisions; every accepted command is an immutable event. ' +
        'Errors are RFC 9457 problem details with a stable `type` URN. Every response carries `x-correlation-id`. ' +
        'Besides what each operation lists, any path answers a method it does not take with 405 and `Allow` ' +
        '(`#/components/responses/MethodNotAllowed`), and a method unknown to the service with 501 (`#/components/responses/NotImplemented`). ' +
        'A Bearer token sent to a public route (health, these docs) must be valid too: 401 otherwise.',
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/schools/{brin}': {
        put: command('Register a school or update its reference data', 'RegisterSchoolBody', 'ocw, admin', [brin], {
          unknownSchool: false,
          created: 'The school was new: registered (`npo.SchoolRegistered`).',
          ok:
            'The school was registered before. Either its details changed, recorded as `npo.SchoolDetailsChanged` (a new `eventId`, ' +
            '`streamVersion` one higher), or they are the same as recorded and nothing new is stored (the current head: the `eventId` ' +
            'and `streamVersion` of the latest earlier event).',
        }),
        get: {
          summary: "The school's current plan per school year",
          description: 'Roles: the school itself (with scan findings), ocw, admin (without findings).',
          parameters: [brin],
          responses: {
            '200': json('The plan', ref('SchoolPlanView')),
            ...errorResponses(400, 401, 403, 404, 414, 431, 500, 503),
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
      // A gemeente's stream needs no registration first, so there is no unknown gemeente to answer 404 for.
      '/v1/gemeenten/{code}/allocations': {
        post: command('Allocate NPO funds to a gemeente', 'AllocationBody', 'ocw', [gemeente], { ...allocation, unknownSchool: false }),
      },
      '/health/live': {
        get: {
          summary: 'Liveness: the process runs and answers HTTP',
          description: 'Public. Checks nothing else, so a slow dependency never gets the process restarted.',
          security: publicAccess,
          responses: { '200': json('Alive', ref('HealthLive')), ...publicErrorResponses },
        },
      },
      '/health/ready': {
        get: {
          summary: 'Readiness: every check passes',
          description: 'Public. 503 while a check is down or the process is shutting down, so a load balancer sends no traffic.',
          security: publicAccess,
          responses: {
            '200': json('Ready', ref('HealthReady')),
            '503': json('Not ready; `checks` names what is down.', ref('HealthReady')),
            ...publicErrorResponses,
          },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          description: 'Roles: admin, or the static scrape token NPO_METRICS_TOKEN (for Prometheus). No school data, but request counts per route.',
          security: [{ bearer: [] }, { scrapeToken: [] }],
          responses: {
            '200': {
              description: 'Prometheus text exposition format 0.0.4.',
              headers: correlated(),
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
            ...errorResponses(401, 403, 431),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        scrapeToken: { type: 'http', scheme: 'bearer', description: 'The value of NPO_METRICS_TOKEN, for /metrics only.' },
      },
      schemas: Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, componentSchema(schema)])),
      headers,
      responses: edgeResponses,
    },
  };
}

/**
 * `/openapi.json`, `/openapi.yaml` and the interactive `/docs`, public like /health/*: a Bearer token sent
 * to them must be valid (the platform's guard runs on them although Swagger registers them past Nest).
 */
export function serveOpenApiDocs(app: NestFastifyApplication, version: string): void {
  guardDocsRoutes(app);
  const document = buildOpenApiDocument(version) as unknown as OpenAPIObject;
  SwaggerModule.setup(docsRoutes.ui.slice(1), app, document, {
    jsonDocumentUrl: docsRoutes.json.slice(1),
    yamlDocumentUrl: docsRoutes.yaml.slice(1),
    customSiteTitle: 'NPO school API',
  });
}
