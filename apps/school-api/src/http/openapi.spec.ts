import { brinPattern, gemeenteCodePattern, menukaartCodePattern } from '@npo/contracts';
import { idempotencyKeyPattern } from '@npo/platform';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.js';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema: { readonly type: string; readonly pattern?: string };
  readonly example?: string;
}
interface Response {
  readonly $ref?: string;
  readonly description?: string;
  readonly headers?: Record<string, { readonly $ref?: string }>;
  readonly content?: Record<string, { readonly schema?: { readonly $ref?: string } }>;
}
interface Operation {
  readonly description?: string;
  readonly parameters?: readonly Parameter[];
  readonly security?: readonly Record<string, unknown>[];
  readonly responses: Record<string, Response>;
}
type Paths = Record<string, Record<string, Operation>>;

const doc = buildOpenApiDocument('test');
const paths = doc['paths'] as Paths;
const components = doc['components'] as {
  readonly schemas: Record<string, JsonSchema>;
  readonly responses: Record<string, Response>;
  readonly headers: Record<string, { readonly description: string; readonly schema: unknown }>;
  readonly securitySchemes: Record<string, { readonly type: string; readonly scheme?: string }>;
};
interface JsonSchema {
  readonly type?: string;
  readonly properties?: Record<string, JsonSchema & { readonly additionalProperties?: unknown }>;
  readonly items?: JsonSchema;
  readonly required?: readonly string[];
  readonly enum?: readonly string[];
}

/** Every operation, as `METHOD /path`. */
const operations = Object.entries(paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, method, op })),
);
const commandRoutes = operations.filter(({ path, method }) => path.startsWith('/v1/') && method !== 'get');

/** A response written out, or the one of `components.responses` it refers to. */
const resolved = (response: Response): Response => {
  if (response.$ref === undefined) return response;
  const target = components.responses[response.$ref.replace('#/components/responses/', '')];
  if (target === undefined) throw new Error(`unresolved ${response.$ref}`);
  return target;
};

/** Every path parameter of every operation, with the route it belongs to. */
const pathParameters = Object.entries(paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, op]) =>
    (op.parameters ?? []).filter((p) => p.in === 'path').map((parameter) => ({ route: `${method.toUpperCase()} ${path}`, path, parameter })),
  ),
);

/** The regex the server validates each path parameter with (the controllers' zod schemas use these). */
const contractPatternFor = (path: string, name: string): RegExp => {
  if (name === 'brin') return brinPattern;
  if (name === 'code') return path.startsWith('/v1/gemeenten/') ? gemeenteCodePattern : menukaartCodePattern;
  throw new Error(`no contract pattern known for path parameter ${name} of ${path}`);
};

describe('OpenAPI path parameters', () => {
  it('document exactly the patterns of @npo/contracts the server validates with', () => {
    expect(pathParameters.length).toBeGreaterThan(0);
    for (const { route, path, parameter } of pathParameters) {
      const contract = contractPatternFor(path, parameter.name);
      // A JSON Schema pattern has no flags: the contract regex must not need any.
      expect(contract.flags, `${route} ${parameter.name}`).toBe('');
      expect(parameter.schema.pattern, `${route} ${parameter.name}`).toBe(contract.source);
    }
  });

  it('covers all three kinds of path parameter', () => {
    const documented = new Set(pathParameters.map(({ parameter }) => parameter.schema.pattern));
    expect(documented).toEqual(new Set([brinPattern.source, menukaartCodePattern.source, gemeenteCodePattern.source]));
  });

  it('give examples their own pattern accepts', () => {
    for (const { route, parameter } of pathParameters) {
      expect(parameter.example, `${route} ${parameter.name}`).toBeDefined();
      expect(new RegExp(parameter.schema.pattern ?? '', 'u').test(parameter.example ?? ''), `${route} ${parameter.name}`).toBe(true);
    }
  });
});

describe('OpenAPI Idempotency-Key', () => {
  const commands = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => method !== 'get')
      .map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op, key: op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key') })),
  );
  const allocations = ['POST /v1/schools/{brin}/allocations', 'POST /v1/gemeenten/{code}/allocations'];

  it('is declared on every command', () => {
    expect(commands.length).toBeGreaterThan(allocations.length);
    for (const { route, key } of commands) expect(key, route).toBeDefined();
  });

  it('is required, with a documented 428 problem, on exactly the two allocation routes', () => {
    expect(commands.filter(({ key }) => key?.required === true).map(({ route }) => route).sort()).toEqual([...allocations].sort());
    expect(commands.filter(({ op }) => op.responses['428'] !== undefined).map(({ route }) => route).sort()).toEqual([...allocations].sort());
    for (const { route, op } of commands.filter(({ route }) => allocations.includes(route))) {
      expect(Object.keys(op.responses['428']?.content ?? {}), route).toEqual(['application/problem+json']);
    }
  });
});

describe('OpenAPI request bodies', () => {
  it('forbid unknown keys in nested objects too, as the server does', () => {
    expect(components.schemas['ScanBody']?.properties?.['findings']?.additionalProperties).toBe(false);
    expect(components.schemas['EvaluationBody']?.properties?.['measuredEffect']?.additionalProperties).toBe(false);
  });
});

describe('OpenAPI Idempotency-Key pattern', () => {
  it('is the pattern the server checks keys with (@npo/platform idempotencyKeyPattern), on every command', () => {
    expect(idempotencyKeyPattern.flags).toBe('');
    for (const { route, op } of commandRoutes) {
      const key = op.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect(key?.schema.pattern, route).toBe(idempotencyKeyPattern.source);
    }
  });

  it('refuses the keys the server refuses', () => {
    const documented = new RegExp(idempotencyKeyPattern.source, 'u');
    for (const key of ['a b', 'kéy', '', 'k'.repeat(201)]) expect(documented.test(key), JSON.stringify(key)).toBe(false);
    for (const key of ['abc', '018f6b7e-2c1d-7a3b-9c4d-5e6f7a8b9c0d', 'k'.repeat(200)]) expect(documented.test(key), key).toBe(true);
  });
});

describe('OpenAPI problem details', () => {
  const problemDetails = components.schemas['ProblemDetails'];

  it('list the `errors` of a 400, each with where (in, pointer), what (code) and why (message)', () => {
    const errors = problemDetails?.properties?.['errors'];
    expect(errors?.type).toBe('array');
    expect(errors?.items?.type).toBe('object');
    expect(Object.keys(errors?.items?.properties ?? {}).sort()).toEqual(['code', 'in', 'message', 'pointer']);
    expect([...(errors?.items?.required ?? [])].sort()).toEqual(['code', 'in', 'message', 'pointer']);
    expect(errors?.items?.properties?.['in']?.enum).toEqual(expect.arrayContaining(['body', 'path', 'header']));
  });

  it('carry the correlation id, the error code and the broken rule', () => {
    expect(Object.keys(problemDetails?.properties ?? {})).toEqual(expect.arrayContaining(['correlationId', 'code', 'rule', 'errors']));
  });

  it('type every problem response, inline or shared', () => {
    for (const { route, op } of operations) {
      for (const [status, response] of Object.entries(op.responses).filter(([status]) => Number(status) >= 400)) {
        const content = resolved(response).content ?? {};
        if (route === 'GET /health/ready' && status === '503') continue; // a readiness report, not a problem
        expect(content['application/problem+json']?.schema?.$ref, `${route} ${status}`).toBe('#/components/schemas/ProblemDetails');
      }
    }
  });
});

describe('OpenAPI statuses', () => {
  const statusesOf = (route: string) => Object.keys(operations.find((o) => o.route === route)?.op.responses ?? {});

  it('PUT /v1/schools/{brin}: 201 for a new school, 200 for a change (a new event) or an identical repeat, never 404', () => {
    const put = operations.find((o) => o.route === 'PUT /v1/schools/{brin}')?.op;
    expect(put?.responses['201']?.description).toMatch(/SchoolRegistered/);
    expect(put?.responses['200']?.description).toMatch(/SchoolDetailsChanged/);
    expect(put?.responses['200']?.description).toMatch(/nothing new/);
    expect(statusesOf('PUT /v1/schools/{brin}')).not.toContain('404');
  });

  it('404 only where a school must be registered first', () => {
    const withNotFound = operations.filter(({ op }) => op.responses['404'] !== undefined).map(({ route }) => route);
    expect(withNotFound.sort()).toEqual(
      [
        'GET /v1/schools/{brin}',
        'POST /v1/schools/{brin}/scans',
        'POST /v1/schools/{brin}/interventions',
        'POST /v1/schools/{brin}/interventions/{code}/withdrawals',
        'POST /v1/schools/{brin}/mr-decisions',
        'POST /v1/schools/{brin}/evaluations',
        'POST /v1/schools/{brin}/allocations',
      ].sort(),
    );
  });

  it('431 on every operation, 414 on every one with a path parameter', () => {
    for (const { route, op } of operations) {
      expect(resolved(op.responses['431'] ?? {}).description, route).toMatch(/headers/);
      const parameterised = (op.parameters ?? []).some((p) => p.in === 'path');
      expect(op.responses['414'] !== undefined, route).toBe(parameterised);
    }
  });

  it('405 with Allow and 501, which no operation answers, in components.responses and named in the description', () => {
    expect(Object.keys(resolved({ $ref: '#/components/responses/MethodNotAllowed' }).headers ?? {})).toContain('Allow');
    expect(resolved({ $ref: '#/components/responses/NotImplemented' }).content?.['application/problem+json']).toBeDefined();
    const description = (doc['info'] as { description: string }).description;
    expect(description).toContain('#/components/responses/MethodNotAllowed');
    expect(description).toContain('#/components/responses/NotImplemented');
  });
});

describe('OpenAPI response headers', () => {
  const headerOf = (response: Response, name: string) => resolved(response).headers?.[name]?.$ref;

  it('x-correlation-id on every response', () => {
    const all: (readonly [string, Response])[] = [
      ...operations.flatMap(({ route, op }) => Object.entries(op.responses).map(([status, r]) => [`${route} ${status}`, r] as const)),
      ...Object.entries(components.responses),
    ];
    for (const [where, response] of all) expect(headerOf(response, 'x-correlation-id'), where).toBe('#/components/headers/CorrelationId');
  });

  it('WWW-Authenticate on every 401', () => {
    for (const { route, op } of operations) {
      expect(op.responses['401'], route).toBeDefined();
      expect(headerOf(op.responses['401'] ?? {}, 'WWW-Authenticate'), route).toBe('#/components/headers/WWWAuthenticate');
    }
  });

  it('Idempotent-Replayed on the 200 and 201 of every command', () => {
    expect(commandRoutes.length).toBeGreaterThan(0);
    for (const { route, op } of commandRoutes) {
      for (const status of ['200', '201']) expect(headerOf(op.responses[status] ?? {}, 'Idempotent-Replayed'), `${route} ${status}`).toBe('#/components/headers/IdempotentReplayed');
    }
  });

  it('declares each header it refers to', () => {
    for (const name of ['CorrelationId', 'IdempotentReplayed', 'WWWAuthenticate', 'Allow', 'RetryAfter']) {
      expect(components.headers[name]?.description, name).toEqual(expect.any(String));
    }
  });
});

describe('OpenAPI health and metrics', () => {
  const get = (path: string) => paths[path]?.['get'];

  it('/health/live and /health/ready are public: no token, or one that must verify (401)', () => {
    for (const path of ['/health/live', '/health/ready']) {
      expect(get(path)?.security, path).toEqual([{}, { bearer: [] }]);
      expect(get(path)?.responses['200']?.content?.['application/json'], path).toBeDefined();
      expect(get(path)?.responses['401'], path).toBeDefined();
    }
    expect(get('/health/ready')?.responses['503']?.content?.['application/json']?.schema?.$ref).toBe('#/components/schemas/HealthReady');
  });

  it('/metrics takes an admin token or the scrape token, and answers Prometheus text', () => {
    expect(get('/metrics')?.security).toEqual([{ bearer: [] }, { scrapeToken: [] }]);
    expect(components.securitySchemes['scrapeToken']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(get('/metrics')?.description).toMatch(/admin/);
    expect(Object.keys(get('/metrics')?.responses['200']?.content ?? {})).toEqual(['text/plain']);
    expect(Object.keys(get('/metrics')?.responses ?? {})).toEqual(expect.arrayContaining(['401', '403']));
  });
});
