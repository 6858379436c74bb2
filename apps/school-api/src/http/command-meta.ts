import { hash } from 'node:crypto';
import { canonicalJson, HttpMappedError, idempotencyKeyOf, type Principal } from '@npo/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandMeta, CommandReply } from '../application/stream-command-executor.js';

/** The actor id in event metadata: the BRIN or gemeente code for scoped roles, else the subject. */
const actorId = (p: Principal): string => (p.role === 'school' ? p.brin : p.role === 'gemeente' ? p.gemeente : p.sub);

/**
 * An allocation (a command whose retry would record its effect a second time) came without an
 * Idempotency-Key. 428 (RFC 6585) rather than 400: the request is valid in itself but lacks the
 * precondition that makes a retry safe. Raised before the command reaches the store.
 */
export class IdempotencyKeyRequiredError extends HttpMappedError {
  constructor() {
    super('IDEMPOTENCY_KEY_REQUIRED', {
      status: 428,
      kind: 'precondition-required',
      detail:
        'An allocation needs an Idempotency-Key header, or a retry would count the money twice: send a key unique to this ' +
        'allocation (e.g. a UUID) and the same key again when retrying it. Nothing was recorded.',
    });
  }
}

export interface CommandMetaOptions {
  /**
   * Refuse the request without an Idempotency-Key (428). For commands the domain cannot recognise as
   * repeats: allocations add up, so a retried one would count the money twice. Other commands are
   * refused as duplicates or supersede earlier state, so the key stays optional for them.
   */
  readonly requireIdempotencyKey?: boolean;
}

/**
 * The fingerprint a key is bound to: method, path (with query) and canonical body. (Fingerprints stored
 * before the body was canonical were of the body as sent; a retry of such a request in another key order
 * is refused as a reused key, which records nothing twice.)
 */
export const requestFingerprint = (method: string, url: string, body: unknown): string =>
  hash('sha256', `${method} ${url}\n${canonicalJson(body)}`, 'base64url');

export function commandMetaOf(request: FastifyRequest, principal: Principal, options: CommandMetaOptions = {}): CommandMeta {
  const idempotencyKey = idempotencyKeyOf(request);
  if (idempotencyKey === null && options.requireIdempotencyKey === true) throw new IdempotencyKeyRequiredError();
  return {
    actor: { role: principal.role, id: actorId(principal) },
    correlationId: request.id,
    causationId: null,
    idempotencyKey,
    requestHash: idempotencyKey === null ? null : requestFingerprint(request.method, request.url, request.body),
    // The token's subject (with its role): the caller who must not reuse a key, on whatever stream.
    keyScope: `${principal.role}:${principal.sub}`,
  };
}

/**
 * Sets the status (201 for a recorded command, 200 for a no-op repeat or an update of an existing
 * resource; a replay answers the status of the first response) and returns the body.
 */
export function accepted(response: FastifyReply, reply: CommandReply, createsResource = true): ReturnType<typeof acceptedBody> {
  response.status(reply.created && createsResource ? 201 : 200);
  if (reply.replayed) response.header('idempotent-replayed', 'true');
  return acceptedBody(reply);
}

/** The 2xx body of every command; `eventIds` lists all events when a command recorded more than one. */
function acceptedBody(reply: CommandReply): { eventId: string | null; eventIds: readonly string[]; streamVersion: number; globalPosition: number } {
  return {
    eventId: reply.eventIds[reply.eventIds.length - 1] ?? null,
    eventIds: reply.eventIds,
    streamVersion: reply.streamVersion,
    globalPosition: reply.globalPosition,
  };
}
