import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { docsRoutes, guardDocsRoutes } from '@npo/platform';
import { buildOpenApiDocument } from './openapi.js';

export const ANALYTICS_API_VERSION = '1.0.0';

/**
 * `/openapi.json`, `/openapi.yaml` and the interactive `/docs`, public like /health/* and as in the school
 * API: a Bearer token sent to them must be valid (the platform's guard runs on them although Swagger
 * registers them past Nest).
 */
export function serveOpenApiDocs(app: NestFastifyApplication): void {
  guardDocsRoutes(app);
  const document = buildOpenApiDocument(ANALYTICS_API_VERSION) as unknown as OpenAPIObject;
  SwaggerModule.setup(docsRoutes.ui.slice(1), app, document, {
    jsonDocumentUrl: docsRoutes.json.slice(1),
    yamlDocumentUrl: docsRoutes.yaml.slice(1),
    customSiteTitle: 'NPO analytics',
  });
}
