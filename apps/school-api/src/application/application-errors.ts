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
