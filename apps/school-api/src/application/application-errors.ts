/** The school (or gemeente) a read or command names has no stream. Maps to 404. */
export class UnknownSubjectError extends Error {
  readonly code = 'unknown-subject' as const;
  constructor(readonly streamId: string) {
    super(`Nothing is recorded for ${streamId}.`);
    this.name = 'UnknownSubjectError';
  }
}

/** An Idempotency-Key already used by this caller for a different request. Maps to 422. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency-key-reused' as const;
  constructor(readonly idempotencyKey: string) {
    super(`Idempotency-Key ${idempotencyKey} was already used for a different request.`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** Every retry after a version conflict met another conflict. Maps to 409. */
export class ConcurrencyExhaustedError extends Error {
  readonly code = 'concurrency-conflict' as const;
  constructor(
    readonly streamId: string,
    readonly attempts: number,
  ) {
    super(`Stream ${streamId} kept changing underneath the command (${attempts} attempts). Retry the request.`);
    this.name = 'ConcurrencyExhaustedError';
  }
}

/**
 * A stored event that this version of the contracts cannot read (unknown type, a version newer than
 * this reader, data no upcaster or schema accepts), so the stream's state cannot be folded. Nothing
 * the caller sent is at fault and a retry will not help: maps to 500, the reason is only logged.
 */
export class UndecodableEventError extends Error {
  readonly code = 'undecodable-event' as const;
  constructor(
    readonly streamId: string,
    readonly streamPosition: number,
    readonly eventId: string,
    readonly eventType: string,
    readonly schemaVersion: number,
    /** Why the contracts refused it (see `decodeEvent`). */
    readonly reason: string,
  ) {
    super(`Stored event ${eventId} (${eventType} v${schemaVersion}) at position ${streamPosition} of ${streamId} cannot be decoded: ${reason}`);
    this.name = 'UndecodableEventError';
  }
}

/** The Idempotency-Key store cannot be read or written (its thread stopped, its file is locked). Maps to 503. */
export class IdempotencyKeysUnavailableError extends Error {
  readonly code = 'idempotency-keys-unavailable' as const;
  constructor(
    message: string,
    /** The underlying error's code (e.g. SQLITE_BUSY), for the log. */
    readonly causeCode?: string,
  ) {
    super(message);
    this.name = 'IdempotencyKeysUnavailableError';
  }
}
