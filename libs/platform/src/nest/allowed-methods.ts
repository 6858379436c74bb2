import { type FastifyRequest } from 'fastify';

/**
 * The methods some route takes at this request's URL, sorted; empty when no route has the path.
 * Asks Fastify's router itself (findRoute matches a concrete URL, parameters and all), so the
 * answer cannot drift from what routing does. HEAD appears where Fastify exposes it for a GET.
 */
export function allowedMethods(request: FastifyRequest): string[] {
  const server = request.server;
  if (typeof server.findRoute !== 'function' || !Array.isArray(server.supportedMethods)) return [];
  const url = request.url;
  return server.supportedMethods.filter((method) => method !== request.method && server.findRoute({ method, url }) !== null).sort();
}
