import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, NotFoundException } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorMappings } from '../errors/error-mappings.js';
import { HttpMappedError } from '../errors/http-mapped-error.js';
import { kindForStatus, PROBLEM_CONTENT_TYPE, problemDetails, type ProblemSpec, problems } from '../errors/problem.js';
import { type PlatformLogger } from '../logging/logger.js';
import { allowedMethods } from './allowed-methods.js';
import { PLATFORM_LOGGER } from './tokens.js';

interface FrameworkError {
  code: string;
  statusCode?: number;
  message: string;
}

const isFrameworkError = (error: unknown): error is FrameworkError => {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('FST_');
};

/** Fastify's own rejections, which happen before any Nest code runs (body parsing, routing). */
function fromFastify(error: FrameworkError, request: FastifyRequest): ProblemSpec | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        kind: 'payload-too-large',
        detail: `The request body is larger than the limit of ${request.server.initialConfig.bodyLimit ?? 'the configured'} bytes.`,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        kind: 'unsupported-media-type',
        detail: `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted; send application/json.`,
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, kind: 'malformed-request', detail: 'The request body is not valid JSON.' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, kind: 'malformed-request', detail: 'The request body is empty but Content-Type says application/json.' };
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return { status: error.statusCode, kind: error.statusCode === 400 ? 'malformed-request' : kindForStatus(error.statusCode), detail: error.message };
      }
      return undefined;
  }
}

/**
 * Nest's not-found handler throws for every URL no route took; when the path exists for other
 * methods the answer is 405 with `Allow` (RFC 9110 15.5.6), not 404.
 */
function fromUnmatchedRoute(request: FastifyRequest): ProblemSpec | undefined {
  if (request.routeOptions?.url !== undefined) return undefined;
  const allowed = allowedMethods(request);
  if (allowed.length === 0) return undefined;
  return problems.methodNotAllowed(request.method, request.url.split('?')[0] ?? request.url, allowed);
}

function fromNest(error: HttpException): ProblemSpec {
  const status = error.getStatus();
  // A 5xx HttpException's message may describe internals; the generic 500 path below handles it.
  return { status, kind: kindForStatus(status), detail: status < 500 ? error.message : undefined };
}

/**
 * An {@link HttpMappedError}'s stable code as the `code` extension, so clients can tell apart errors
 * that share a kind (e.g. `NOT_OWN_GEMEENTE` and `AD_HOC_NOT_ALLOWED` are both `forbidden`). A `code`
 * the problem sets as an extension itself is left as it was.
 */
function withErrorCode(spec: ProblemSpec, code: unknown): ProblemSpec {
  if (typeof code !== 'string' || code === '') return spec;
  return { ...spec, extensions: { code, ...spec.extensions } };
}

const internalError: ProblemSpec = { status: 500, kind: 'internal-error', detail: 'An unexpected error occurred. Quote the correlationId when reporting it.' };

// What Node and Fastify raise when the client goes away mid-request (reset, premature close).
const abortCodes = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * The client went away and the error is only the consequence of that: not a server fault, and there
 * is nobody to answer. Both must hold, so a reset of the server's own connections (a broker, a
 * database) while the client waits is still a 500.
 */
function isClientAbort(exception: unknown, request: FastifyRequest, reply: FastifyReply): boolean {
  const inner = exception instanceof HttpException && exception.cause !== undefined ? exception.cause : exception;
  const code = inner instanceof Error ? (inner as { code?: unknown }).code : undefined;
  const byAbort = (typeof code === 'string' && abortCodes.has(code)) || (inner instanceof Error && inner.message === 'aborted');
  return byAbort && (reply.raw?.destroyed === true || request.raw?.socket?.destroyed === true);
}

/**
 * The single edge where errors become RFC 9457 `application/problem+json` responses. Order: the
 * app's registered mappings, then {@link HttpMappedError}s (whose `code` becomes the `code`
 * extension), then framework errors, then 500.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(
    @Inject(ErrorMappings) private readonly mappings: ErrorMappings,
    @Inject(PLATFORM_LOGGER) private readonly logger: PlatformLogger,
  ) {}

  toProblemSpec(exception: unknown, request: FastifyRequest): ProblemSpec {
    const mapped = this.mappings.resolve(exception);
    if (mapped) return mapped;
    if (exception instanceof HttpMappedError) return withErrorCode(exception.toProblem(), exception.code);
    // Nest wraps Fastify's 4xx errors in an HttpException with the original as `cause`.
    const inner = exception instanceof HttpException && exception.cause !== undefined ? exception.cause : exception;
    if (isFrameworkError(inner)) {
      const spec = fromFastify(inner, request);
      if (spec) return spec;
    }
    if (exception instanceof NotFoundException) {
      const spec = fromUnmatchedRoute(request);
      if (spec) return spec;
    }
    if (exception instanceof HttpException) return fromNest(exception);
    return internalError;
  }

  /**
   * A 500 is a fault: error, with the stack. Any other status was chosen on purpose (a mapping, an
   * HttpMappedError, an HttpException), so it is an outcome, not a fault: a 503 (busy, closing) at
   * warn, since operators want to see capacity trouble, and 4xx at debug (the access line already
   * has the status); neither with a stack, which would only point at the throw site.
   */
  private log(exception: unknown, spec: ProblemSpec, request: FastifyRequest): void {
    const { status, kind, detail } = spec;
    if (status === 500) {
      this.logger.error({ err: exception, correlationId: request.id, status }, 'request failed');
      return;
    }
    const code = spec.extensions?.['code'];
    const fields = { correlationId: request.id, status, kind, detail, ...(typeof code === 'string' ? { code } : {}) };
    if (status >= 500) this.logger.warn(fields, 'request refused');
    else this.logger.debug(fields, 'request rejected');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (isClientAbort(exception, request, reply)) {
      // The access log has the 'request aborted' line (onRequestAbort); this is only its cause.
      this.logger.debug({ correlationId: request.id, code: (exception as { code?: unknown }).code }, 'request aborted by the client');
      return;
    }

    let spec: ProblemSpec;
    try {
      spec = this.toProblemSpec(exception, request);
    } catch (mappingFailure) {
      this.logger.error({ err: mappingFailure, correlationId: request.id }, 'error mapping threw');
      spec = internalError;
    }
    const status = spec.status >= 400 && spec.status <= 599 ? spec.status : 500;
    this.log(exception, { ...spec, status }, request);

    const body = problemDetails({ ...spec, status }, { instance: request.url, correlationId: request.id });
    if (reply.sent) return;
    reply
      .status(status)
      .headers(spec.headers ?? {})
      .type(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
      .send(JSON.stringify(body));
  }
}
