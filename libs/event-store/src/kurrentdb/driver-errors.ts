import { ErrorType, isCommandError } from '@kurrent/kurrentdb-client';
import { EventStoreError, EventStoreUnavailableError, InvalidArgumentError, WrongExpectedVersionError } from '../errors.js';
import type { ExpectedVersion } from '../event-store.port.js';
import { toActualVersion } from './stream-state.js';

export interface ErrorContext {
  /** What was attempted, for the message: "append to school-16SW", "read $all". */
  readonly operation: string;
  /** Set for appends: a version conflict becomes the port's WrongExpectedVersionError. */
  readonly append?: { readonly streamId: string; readonly expected: ExpectedVersion };
}

/** gRPC status codes that no retry will cure (bad request, auth, missing method). */
const PERMANENT_GRPC_CODES: ReadonlySet<number> = new Set([3, 7, 12, 16]);
/** Driver error types that are about the connection or the server's state, not about the request. */
const TRANSIENT_TYPES: ReadonlySet<ErrorType> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
  ErrorType.UNKNOWN,
]);

const messageOf = (error: unknown): string => (error instanceof Error ? error.message || error.name : String(error));

/**
 * A KurrentDB client error as the port's typed error. Errors the adapter raised itself pass through.
 * An unavailable append may or may not have been written: the caller retries it with the same event
 * ids, which the store recognises.
 */
export function toEventStoreError(error: unknown, context: ErrorContext): EventStoreError {
  if (error instanceof EventStoreError) return error;
  if (error instanceof Error && isCommandError(error)) {
    switch (error.type) {
      case ErrorType.WRONG_EXPECTED_VERSION:
        if (context.append !== undefined) {
          return new WrongExpectedVersionError(context.append.streamId, context.append.expected, toActualVersion(error.actualState));
        }
        break;
      case ErrorType.STREAM_DELETED:
      case ErrorType.STREAM_TOMBSTONED:
        return new InvalidArgumentError('streamId', `${context.append?.streamId ?? 'the stream'} is deleted in KurrentDB`);
      case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
        return new InvalidArgumentError(
          'events',
          `the batch is larger than the server's maximum append size of ${error.maxAppendSize} bytes (KurrentDB setting MaxAppendSize)`,
        );
      case ErrorType.APPEND_RECORD_SIZE_EXCEEDED:
        return new InvalidArgumentError('events', `event ${error.recordId} is ${error.size} bytes, over the server's maximum of ${error.maxSize}`);
      case ErrorType.TRANSACTION_MAX_SIZE_EXCEEDED:
        return new InvalidArgumentError('events', `the batch is ${error.size} bytes, over the server's maximum of ${error.maxSize}`);
      case ErrorType.ACCESS_DENIED:
        return new EventStoreUnavailableError(`${context.operation}: access denied by KurrentDB (check the user in the connection string)`, {
          cause: error,
        });
      default:
        break;
    }
    return new EventStoreUnavailableError(`${context.operation} failed (${error.type}): ${messageOf(error)}`, { cause: error });
  }
  return new EventStoreUnavailableError(`${context.operation} failed: ${messageOf(error)}`, { cause: error });
}

/** Reading a stream that has no events: the port answers that with an empty array. */
export const isStreamNotFoundError = (error: unknown): boolean =>
  error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;

/** A conflict on an append's expected version (also used for the event-id claims). */
export const isWrongExpectedVersionError = (error: unknown): boolean =>
  error instanceof Error && isCommandError(error) && error.type === ErrorType.WRONG_EXPECTED_VERSION;

export const messageOfError = messageOf;

/** Worth reconnecting after (with backoff): the connection or the server, not the request itself. */
export function isTransientDriverError(error: unknown): boolean {
  if (error instanceof EventStoreError) return false;
  if (error instanceof Error && isCommandError(error)) return TRANSIENT_TYPES.has(error.type) && !isInvalidPositionError(error);
  const code = (error as { code?: unknown } | null)?.code;
  return !(typeof code === 'number' && PERMANENT_GRPC_CODES.has(code));
}

/**
 * The server refused a $all position that is not the start of a log record (gRPC INVALID_ARGUMENT,
 * "Trying to read from an invalid position."). The port accepts any integer as `after`; only positions
 * of events (or -1) are record starts. The read-path bridge passes the status on as text only, hence
 * the broad match; a caller falls back to a scan from the start once, so a misread costs one retry.
 */
export const isInvalidPositionError = (error: unknown): boolean =>
  error instanceof Error && (/invalid position|invalid_?argument/i.test(error.message) || (error as { code?: unknown }).code === 3);

/**
 * Hides the credentials of a connection string in a message (the client echoes parts of it in parse
 * errors). The connection string is a secret in this project's configuration.
 */
export function redactConnectionString(message: string, connectionString: string): string {
  let out = message.split(connectionString).join('<connection string>');
  const userInfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]+)@/i.exec(connectionString)?.[1];
  if (userInfo !== undefined) {
    const secrets = [userInfo, ...userInfo.split(':').slice(1)].filter((s) => s.length > 0);
    for (const secret of secrets) out = out.split(secret).join('***');
  }
  return out;
}
