import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';
import { type Principal } from '../auth/principal.js';

export const CORRELATION_ID_HEADER = 'x-correlation-id';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth guard on every non-public route. */
    principal?: Principal;
  }
}

// A caller-supplied id is reused only when it is short and plain: it goes into every log line and a
// response header, so anything else (newlines, quotes, megabytes) is replaced by a fresh one.
const acceptableId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: the request id IS the correlation id, so Fastify's own request logs carry it. */
export function correlationIdFor(request: IncomingMessage): string {
  const header = request.headers[CORRELATION_ID_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && acceptableId.test(value) ? value : randomUUID();
}

export const correlationIdOf = (request: FastifyRequest): string => request.id;

/** The principal the guard attached; throws on a public route, where there is none. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === undefined) throw new Error('No principal on this request: the route is public or the auth guard did not run.');
  return request.principal;
}

/** `@CorrelationId() correlationId: string` in a handler. */
export const CorrelationId = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  correlationIdOf(context.switchToHttp().getRequest<FastifyRequest>()),
);

/** `@CurrentPrincipal() principal: Principal` in a handler of a non-public route. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal =>
  principalOf(context.switchToHttp().getRequest<FastifyRequest>()),
);
