import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ReleaseQueueFullError, ReleaseServiceBusyError } from '@npo/analytics-releases';
import { ALLOWED_ROLES, createLogger, createNestApp, idempotencyKeyPattern, loadConfig, PUBLIC_ROUTE, roles, TokenService, ZodValidationPipe } from '@npo/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { AnalyticsRuntime } from '../analytics-runtime.js';
import { AnalyticsModule } from '../analytics.module.js';
import { buildOpenApiDocument } from './openapi.js';
import { jsonSchemaOf } from './openapi-parts.js';
import { serveOpenApiDocs } from './serve-openapi.js';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema: Record<string, unknown>;
  readonly example?: string;
}
interface Operation {
  readonly description: string;
  readonly security?: readonly object[];
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: { readonly content: Record<string, { readonly schema: { readonly $ref: string } }> };
  readonly responses: Record<string, { readonly content?: Record<string, unknown> }>;
}

const doc = buildOpenApiDocument('test');
const paths = doc['paths'] as Record<string, Record<string, Operation>>;
const components = (doc['components'] as { schemas: Record<string, unknown> }).schemas;
const operations = Object.entries(paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })));
const documentedRoutes = operations.map(({ route }) => route).sort();

/** `/v1/reports/gemeenten/:code.csv` as OpenAPI writes it: `/v1/reports/gemeenten/{code}.csv`. */
const openApiPath = (fastifyPath: string): string => fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Routes every app gets from libs/platform; the school API's document leaves them out too. */
const platformRoutes = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];
const isDocsRoute = (route: string): boolean => /^GET \/(openapi\.(json|yaml)|docs(\/.*)?)$/.test(route);

/**
 * What the analytics app registers on Fastify: the same module, platform and docs as startAnalytics,
 * booted on a free port. The controllers only keep the runtime they are given, so an empty one does.
 */
async function registeredRoutes(): Promise<string[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'analytics-openapi-'));
  const routes: string[] = [];
  try {
    const running = await createNestApp(AnalyticsModule.forRoot({} as AnalyticsRuntime), loadConfig({ NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'silent' }), {
      port: 0,
      shutdownHooks: false,
      logger: createLogger({ name: 'analytics', level: 'silent' }),
      tokens: await TokenService.fromDataDir(dataDir),
      beforeListen: (app) => {
        // Nest adds its routes when the app initialises, which listen() does after this.
        app.getHttpAdapter().getInstance().addHook('onRoute', (route) => {
          for (const method of [route.method].flat()) routes.push(`${method} ${openApiPath(route.url ?? route.path)}`);
        });
        serveOpenApiDocs(app);
      },
    });
    await running.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  // Fastify adds a HEAD route beside every GET by itself.
  return [...new Set(routes.filter((r) => !r.startsWith('HEAD ')))].sort();
}

interface HandlerArgument {
  readonly index: number;
  readonly data?: string;
  readonly pipes: readonly unknown[];
}
interface Handler {
  readonly route: string;
  readonly isPublic: boolean;
  readonly roles: readonly string[] | undefined;
  readonly args: readonly (HandlerArgument & { readonly type: number })[];
}

/** Each handler of the analytics controllers with its route, access metadata and validated arguments. */
function handlers(): Map<string, Handler> {
  const controllers = (AnalyticsModule.forRoot({} as AnalyticsRuntime).controllers ?? []) as Type[];
  const found = new Map<string, Handler>();
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler));
      const route = `${method} ${openApiPath(`/${[base, sub].filter((p) => p !== '/' && p !== '').join('/')}`)}`;
      const args = Object.entries((Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, HandlerArgument>).map(([key, arg]) => ({
        ...arg,
        type: Number(key.split(':')[0]),
      }));
      // As the guard reads them: the handler's metadata, else the controller's.
      const meta = (key: string): unknown => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
      found.set(route, {
        route,
        isPublic: meta(PUBLIC_ROUTE) === true,
        roles: meta(ALLOWED_ROLES) as string[] | undefined,
        args,
      });
    }
  }
  return found;
}

/** The zod schema the handler validates an argument of this kind (and name) with. */
function validatedWith(handler: Handler, type: RouteParamtypes, name?: string): z.ZodType | undefined {
  const arg = handler.args.find((a) => a.type === Number(type) && (name === undefined || a.data === name));
  const pipe = arg?.pipes.find((p) => p instanceof ZodValidationPipe);
  return pipe instanceof ZodValidationPipe ? (pipe.schema as z.ZodType) : undefined;
}

const byRoute = handlers();
const handlerOf = (route: string): Handler => {
  const handler = byRoute.get(route);
  if (handler === undefined) throw new Error(`no handler for ${route}`);
  return handler;
};

describe('OpenAPI routes', () => {
  let registered: string[];
  beforeAll(async () => {
    registered = await registeredRoutes();
  }, 60_000);

  it('are exactly the routes the booted app serves, besides the platform and docs routes', () => {
    expect(registered).toEqual(expect.arrayContaining([...platformRoutes, 'GET /openapi.json', 'GET /openapi.yaml', 'GET /docs']));
    const own = registered.filter((r) => !platformRoutes.includes(r) && !isDocsRoute(r));
    expect(own).toEqual(documentedRoutes);
  });

  it('are exactly the routes of the analytics controllers', () => {
    expect([...byRoute.keys()].sort()).toEqual(documentedRoutes);
  });

  it('name who may call as the controllers do: public routes take an optional token, the others their roles', () => {
    const named = new Set<string>([...roles, 'public']);
    for (const { route, op } of operations) {
      const handler = handlerOf(route);
      const sentence = /^Roles: ([^.]*)\./.exec(op.description)?.[1] ?? '';
      const said = sentence.split(/[^a-z]+/).filter((word) => named.has(word));
      if (handler.isPublic) {
        expect(said, route).toEqual(['public']);
        expect(op.security, route).toEqual([{}, { bearer: [] }]);
      } else {
        expect(said.sort(), route).toEqual([...(handler.roles ?? [])].sort());
        expect(op.security, route).toBeUndefined();
      }
    }
    expect(doc['security']).toEqual([{ bearer: [] }]);
  });
});

describe('OpenAPI parameters', () => {
  it('document exactly the query parameters the route validates, each accepted by its schema', () => {
    for (const { route, op } of operations) {
      const schema = validatedWith(handlerOf(route), RouteParamtypes.QUERY);
      const documented = (op.parameters ?? []).filter((p) => p.in === 'query');
      if (schema === undefined) {
        expect(documented, route).toEqual([]);
        continue;
      }
      const accepted = Object.keys((jsonSchemaOf(schema) as { properties: object }).properties);
      expect(documented.map((p) => p.name).sort(), route).toEqual([...accepted].sort());
      for (const p of documented) {
        expect(p.required, `${route} ${p.name}`).toBe(false);
        expect(schema.safeParse({ [p.name]: p.example }).success, `${route} ${p.name}=${p.example}`).toBe(true);
      }
      // Strict: a parameter the document does not name is refused, not ignored.
      expect(schema.safeParse({ format: 'csv' }).success, route).toBe(false);
    }
  });

  it('document exactly the path parameters of the route, with the pattern and an example their pipe accepts', () => {
    for (const { route, op } of operations) {
      const templated = [...route.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const documented = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(documented.map((p) => p.name).sort(), route).toEqual(templated);
      for (const p of documented) {
        const schema = validatedWith(handlerOf(route), RouteParamtypes.PARAM, p.name);
        expect(schema, `${route} ${p.name}`).toBeDefined();
        expect(p.required, `${route} ${p.name}`).toBe(true);
        expect(p.schema, `${route} ${p.name}`).toEqual(jsonSchemaOf(schema as z.ZodType));
        expect(schema?.safeParse(p.example).success, `${route} ${p.name}=${p.example}`).toBe(true);
      }
    }
  });

  it('document the request body with the schema the route validates it with', () => {
    for (const { route, op } of operations) {
      const schema = validatedWith(handlerOf(route), RouteParamtypes.BODY);
      if (schema === undefined) {
        expect(op.requestBody, route).toBeUndefined();
        continue;
      }
      const name = op.requestBody?.content['application/json']?.schema.$ref.split('/').at(-1) ?? '';
      expect(components[name], route).toEqual(jsonSchemaOf(schema));
    }
  });

  it("document the Idempotency-Key of POST /v1/releases with the platform's pattern", () => {
    const key = paths['/v1/releases']?.['post']?.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');
    expect(key?.required).toBe(false);
    expect(key?.schema['pattern']).toBe(idempotencyKeyPattern.source);
    expect(idempotencyKeyPattern.test(key?.example ?? '')).toBe(true);
  });
});

describe('OpenAPI responses', () => {
  it('answer errors as problem details, 401 on every route (a token sent to a public route is checked too)', () => {
    for (const { route, op } of operations) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect(errors.map(([status]) => status), route).toContain('401');
      for (const [status, response] of errors) expect(Object.keys(response.content ?? {}), `${route} ${status}`).toEqual(['application/problem+json']);
    }
  });

  it('refuse a role on every route that names roles (403), and only there or for asOf', () => {
    for (const { route, op } of operations) {
      const handler = handlerOf(route);
      const adHoc = validatedWith(handler, RouteParamtypes.QUERY) !== undefined;
      expect(op.responses['403'] !== undefined, route).toBe(!handler.isPublic || adHoc);
    }
  });

  it('name the stable code of each full queue on the routes that can answer it', () => {
    const described = (route: string): string => (operations.find((o) => o.route === route)?.op.responses['503'] as { description?: string } | undefined)?.description ?? '';
    const adHoc = new ReleaseServiceBusyError(3).code;
    for (const { route, op } of operations) {
      if (route.startsWith('GET /v1/reports/')) expect(described(route), route).toContain(`\`${adHoc}\``);
      else expect(JSON.stringify(op.responses), route).not.toContain(adHoc);
    }
    expect(described('POST /v1/releases')).toContain(`\`${new ReleaseQueueFullError(4).code}\``);
  });

  it('resolve every $ref and serialise as JSON', () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(components[ref.split('/').at(-1)?.replace('"', '') ?? ''], ref).toBeDefined();
  });
});
