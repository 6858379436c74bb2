import { randomUUID } from 'node:crypto';
import { maxHeaderSize, type ServerResponse, STATUS_CODES } from 'node:http';
import { type Socket } from 'node:net';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemDetails, type ProblemSpec, problems } from '../errors/problem.js';
import { type PlatformLogger } from '../logging/logger.js';
import { CORRELATION_ID_HEADER } from './request-context.js';

interface ConnectionError extends Error {
  code?: string;
  /** llhttp's reason, e.g. "Content-Length can't be present with Transfer-Encoding": fixed text, safe to echo. */
  reason?: string;
  /** The bytes the parser had when it gave up: a Buffer from Node (Fastify's type says otherwise). */
  rawPacket?: unknown;
}

// A well-formed request line whose method llhttp does not know: RFC 9110 (9.1) asks for 501, not 400.
const requestLineWithUnknownMethod = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}) \S+ HTTP\/1\.[01]\r?$/;

// Errors of the connection itself: the peer is gone or going, nobody would read an answer.
const connectionGone = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_DESTROYED']);

function clientErrorSpec(error: ConnectionError): ProblemSpec {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      kind: 'request-header-fields-too-large',
      detail: `The request line and headers together exceed ${maxHeaderSize} bytes; shorten the URL or the headers.`,
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, kind: 'request-timeout', detail: 'The request did not arrive in time.' };
  if (error.code === 'HPE_INVALID_METHOD' && Buffer.isBuffer(error.rawPacket)) {
    const firstLine = error.rawPacket.subarray(0, 512).toString('latin1').split('\n', 1)[0] ?? '';
    const method = requestLineWithUnknownMethod.exec(firstLine)?.[1];
    if (method !== undefined) {
      return { status: 501, kind: 'not-implemented', detail: `The method ${method} is not implemented by this service.` };
    }
  }
  const reason = typeof error.reason === 'string' && /^[\x20-\x7e]{1,200}$/.test(error.reason) ? `: ${error.reason}` : '';
  return problems.malformed(`The request is not valid HTTP/1.1${reason}.`);
}

/**
 * Fastify `clientErrorHandler`: Node's HTTP parser refused the bytes (oversized head, smuggling-prone
 * framing, an unknown method, garbage) before there was a request, so no hook or filter runs. The
 * answer is written on the raw socket as a whole response, then the connection is closed: after a
 * parse error the rest of the stream cannot be framed.
 */
export function clientErrorHandler(logger: PlatformLogger) {
  return (error: ConnectionError, socket: Socket): void => {
    // Ended: already answered (the parser may report more errors for bytes that follow).
    if ((error.code !== undefined && connectionGone.has(error.code)) || socket.destroyed || socket.writableEnded) return;
    const spec = clientErrorSpec(error);
    const correlationId = randomUUID();
    logger.debug({ correlationId, status: spec.status, code: error.code, reason: error.reason }, 'client error');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    // Bytes after a complete request (in the same packet, or pipelined) that do not parse: that request
    // is being answered. An answer to the garbage written now would reach the client first, as the answer
    // to its request (a 501 naming the earlier request's method, for a command that was in fact
    // recorded), and the real answer would be lost. The real one goes out, then the connection closes.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (inFlight !== undefined && inFlight !== null && !inFlight.writableFinished) {
      if (!inFlight.headersSent) inFlight.shouldKeepAlive = false;
      inFlight.once('finish', () => socket.destroySoon());
      inFlight.once('close', () => socket.destroySoon());
      return;
    }
    const body = JSON.stringify(problemDetails(spec, { correlationId }));
    const head = [
      `HTTP/1.1 ${spec.status} ${STATUS_CODES[spec.status] ?? ''}`,
      `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      `Content-Length: ${Buffer.byteLength(body)}`,
      `${CORRELATION_ID_HEADER}: ${correlationId}`,
      'Connection: close',
    ];
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  };
}

interface FrameworkError extends Error {
  code?: string;
  statusCode?: number;
}

/**
 * Fastify `frameworkErrors`: the router refused the URL (bad percent-encoding, a parameter over
 * maxParamLength) before hooks or Nest ran, so the onRequest correlation header is set here too.
 */
export function frameworkErrorHandler(error: FrameworkError, request: FastifyRequest, reply: FastifyReply): void {
  let spec: ProblemSpec;
  if (error.code === 'FST_ERR_BAD_URL') spec = problems.malformed('The URL is not validly percent-encoded.');
  else if (error.statusCode === 414) spec = { status: 414, kind: 'http-414', detail: 'A path segment of the URL is too long.' };
  else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) spec = problems.malformed(error.message);
  else spec = { status: 500, kind: 'internal-error', detail: 'An unexpected error occurred. Quote the correlationId when reporting it.' };
  if (spec.status >= 500) request.log.error({ err: error }, 'framework error');
  void reply
    .status(spec.status)
    .header(CORRELATION_ID_HEADER, request.id)
    .type(`${PROBLEM_CONTENT_TYPE}; charset=utf-8`)
    .send(JSON.stringify(problemDetails(spec, { instance: request.url, correlationId: request.id })));
}
