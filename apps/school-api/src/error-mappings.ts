import { DomainRuleViolation } from '@npo/domain';
import { DuplicateEventIdError, EventStoreUnavailableError } from '@npo/event-store';
import { mapError, problems, type AnyErrorMapping } from '@npo/platform';
import { ConcurrencyExhaustedError, IdempotencyKeyReusedError, IdempotencyKeysUnavailableError, UndecodableEventError, UnknownSubjectError } from './application/application-errors.js';

/** Typed errors of the domain, the application and the store, mapped to problem details at the edge. */
export const schoolApiErrorMappings: readonly AnyErrorMapping[] = [
  mapError(DomainRuleViolation, (e) =>
    // An unregistered school is, to a client, an unknown resource.
    e.rule === 'school-not-registered' ? { ...problems.notFound(e.message), extensions: { rule: e.rule } } : problems.ruleViolation(e.rule, e.message),
  ),
  mapError(UnknownSubjectError, (e) => problems.notFound(e.message)),
  mapError(IdempotencyKeyReusedError, (e) => ({
    status: 422,
    kind: 'idempotency-key-reused',
    title: 'Idempotency-Key reused',
    detail: e.message,
    extensions: { code: 'IDEMPOTENCY_KEY_REUSED' },
  })),
  mapError(ConcurrencyExhaustedError, (e) => problems.conflict(e.message, { streamId: e.streamId, attempts: e.attempts })),
  mapError(DuplicateEventIdError, (e) => problems.conflict(e.message)),
  // Stored data this version cannot read: a server fault, not the caller's. The contract's reason
  // stays in the log (the filter logs every 5xx with its error); the body names only the event.
  mapError(UndecodableEventError, (e) => ({
    status: 500,
    kind: 'internal-error',
    detail:
      `The recorded history of ${e.streamId} cannot be read by this version of the service (event ${e.eventId} at position ${e.streamPosition}); ` +
      'the request changed nothing. Quote the correlationId when reporting it.',
  })),
  mapError(IdempotencyKeysUnavailableError, () => ({
    status: 503,
    kind: 'service-unavailable',
    detail: 'The Idempotency-Key store is unavailable; nothing was recorded. Retry later.',
    headers: { 'Retry-After': '1' },
  })),
  mapError(EventStoreUnavailableError, () => ({
    status: 503,
    kind: 'service-unavailable',
    detail: 'The event store is unavailable; nothing was recorded. Retry later.',
    headers: { 'Retry-After': '1' },
  })),
];
