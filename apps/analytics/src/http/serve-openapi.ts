import type { INestApplication } from '@nestjs/common';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from './openapi.js';

export const ANALYTICS_API_VERSION = '1.0.0';

/**
 * `/openapi.json`, `/openapi.yaml` and the interactive `/docs`, public as in the school API: Swagger
 * registers them on Fastify directly, past the Nest guard.
 */
export function serveOpenApiDocs(app: INestApplication): void {
  const document = buildOpenApiDocument(ANALYTICS_API_VERSION) as unknown as OpenAPIObject;
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml', customSiteTitle: 'NPO analytics' });
}
