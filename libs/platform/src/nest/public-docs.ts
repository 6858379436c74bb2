import { ExternalContextCreator } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { onRequestAsyncHookHandler } from 'fastify';
import { Public } from './auth.decorators.js';

/** Where an app serves its OpenAPI document and the interactive docs (Swagger's `jsonDocumentUrl`, `yamlDocumentUrl` and path). */
export const docsRoutes = { ui: '/docs', json: '/openapi.json', yaml: '/openapi.yaml' } as const;

const isDocsRoute = (url: string): boolean => url === docsRoutes.json || url === docsRoutes.yaml || url === docsRoutes.ui || url.startsWith(`${docsRoutes.ui}/`);

/** What the docs routes are to the app's guard: a public handler (no token needed; one that is sent must be valid). */
class DocsRoutes {
  @Public()
  serve(): void {}
}

/**
 * Makes `/openapi.json`, `/openapi.yaml` and `/docs(/...)` public routes of the app, as /health/* are.
 * Swagger registers them on Fastify directly, past Nest's guards, so each of them runs the app's global
 * guards first, as a @Public() handler would: a client whose Bearer token expired learns it here as on
 * /health/*, by the same code. Call it before `SwaggerModule.setup` with the paths of {@link docsRoutes}.
 * (Swagger itself stays the app's import: loading it costs every app of the platform ~14 MB, the relay too.)
 */
export function guardDocsRoutes(app: NestFastifyApplication): void {
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
}
