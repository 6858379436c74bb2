import type { ExpectedVersion } from './event-store.port.js';

/** Every error the store throws on purpose. `code` is stable: map on it, never on the message. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The stream's last position, or `no_stream` when it has no events. */
export type ActualVersion = number | 'no_stream';

/** Optimistic concurrency: the stream moved on since the appender read it. Reload, decide again, retry. */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'EVENT_STORE_WRONG_EXPECTED_VERSION';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: ActualVersion,
  ) {
    super(`Stream ${streamId}: expected version ${String(expected)}, actual ${String(actual)}`);
  }
}

/**
 * An event id that is already stored and the append is not a retry of the append that stored it
 * (another stream, another order, or mixed with new ids).
 */
export class DuplicateEventIdError extends EventStoreError {
  readonly code = 'EVENT_STORE_DUPLICATE_EVENT_ID';

  constructor(
    readonly eventId: string,
    readonly streamId: string,
    /** Stream that already holds the event, when known. */
    readonly existingStreamId?: string,
  ) {
    super(
      `Event id ${eventId} appended to ${streamId} is already stored` +
        (existingStreamId === undefined ? '' : ` in stream ${existingStreamId}`),
    );
  }
}

/** The backing store cannot serve the call right now (closed, locked past the busy timeout, I/O error). */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'EVENT_STORE_UNAVAILABLE';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** An append with no events: nothing would be recorded, so it is almost certainly a caller bug. */
export class EmptyAppendError extends EventStoreError {
  readonly code = 'EVENT_STORE_EMPTY_APPEND';

  constructor(readonly streamId: string) {
    super(`Append to ${streamId} has no events`);
  }
}

/** An event the store refuses to record as given (bad id, type, version, time or non-JSON data). */
export class InvalidEventError extends EventStoreError {
  readonly code = 'EVENT_STORE_INVALID_EVENT';

  constructor(
    readonly streamId: string,
    /** Index of the offending event in the appended batch. */
    readonly index: number,
    readonly reason: string,
  ) {
    super(`Event ${index} appended to ${streamId} is invalid: ${reason}`);
  }
}

/** A malformed argument: stream id, expected version, positions or counts. */
export class InvalidArgumentError extends EventStoreError {
  readonly code = 'EVENT_STORE_INVALID_ARGUMENT';

  constructor(
    readonly argument: string,
    readonly reason: string,
  ) {
    super(`Invalid ${argument}: ${reason}`);
  }
}

export const isEventStoreError = (error: unknown): error is EventStoreError => error instanceof EventStoreError;
