import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One access line per request (at info, when it completes) instead of Fastify's two; the "incoming"
 * line drops to debug. Lines carry the correlation id under `correlationId`.
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'correlationId' });
  }

  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ method: request.method, url: request.url }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const fields = {
      method: request.method,
      url: request.url,
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      responseTimeMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }

  /**
   * The access line of a request the client abandoned (Fastify `onRequestAbort`): no response went
   * out, so there is no status; it is the client's doing, so info, not error.
   */
  requestAborted(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.info({ method: request.method, url: request.url, route: request.routeOptions.url, aborted: true }, 'request aborted');
  }
}
