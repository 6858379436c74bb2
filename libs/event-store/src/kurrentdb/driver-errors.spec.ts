import {
  AccessDeniedError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError as DriverWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { EventStoreUnavailableError, InvalidArgumentError, WrongExpectedVersionError } from '../errors.js';
import {
  isInvalidPositionError,
  isStreamNotFoundError,
  isTransientDriverError,
  isWrongExpectedVersionError,
  redactConnectionString,
  toEventStoreError,
} from './driver-errors.js';
import { UnreadableEventError } from './kurrentdb-errors.js';

/** What grpc-js rejects with when no connection can be made (seen from appendToStream on a closed port). */
const refused = Object.assign(new Error('14 UNAVAILABLE: No connection established. Last error: connect ECONNREFUSED 127.0.0.1:1'), {
  code: 14,
  details: 'No connection established',
});
const invalidPosition = new UnknownError({
  code: 3,
  details: 'Trying to read from an invalid position.',
  message: '3 INVALID_ARGUMENT: Trying to read from an invalid position.',
} as never);
const append = { streamId: 'school-16SW', expected: 4 } as const;

describe('driver errors -> port errors', () => {
  it('turns a version conflict into WrongExpectedVersionError with the port version types', () => {
    const conflict = new DriverWrongExpectedVersionError(undefined, { streamName: 'school-16SW', expected: 4n, current: 6n });
    const mapped = toEventStoreError(conflict, { operation: 'append to school-16SW', append });
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ code: 'EVENT_STORE_WRONG_EXPECTED_VERSION', streamId: 'school-16SW', expected: 4, actual: 6 });

    const onEmpty = new DriverWrongExpectedVersionError(undefined, { streamName: 'school-16SW', expected: 'stream_exists', current: 'no_stream' });
    expect(toEventStoreError(onEmpty, { operation: 'append', append: { streamId: 'school-16SW', expected: 'stream_exists' } })).toMatchObject({
      expected: 'stream_exists',
      actual: 'no_stream',
    });
  });

  it('reports connection trouble as unavailable, keeping the driver error as cause', () => {
    for (const error of [new UnavailableError(), new DeadlineExceededError(), refused, new Error('socket hang up'), 'a string']) {
      const mapped = toEventStoreError(error, { operation: 'read $all' });
      expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
      expect(mapped.code).toBe('EVENT_STORE_UNAVAILABLE');
      expect(mapped.message).toMatch(/^read \$all/);
      expect(mapped.cause).toBe(error);
    }
  });

  it('says what to fix for access denied and oversized appends', () => {
    expect(toEventStoreError(new AccessDeniedError(), { operation: 'append to school-16SW', append }).message).toMatch(/access denied.*connection string/);
    const tooBig = toEventStoreError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), { operation: 'append', append });
    expect(tooBig).toBeInstanceOf(InvalidArgumentError);
    expect(tooBig).toMatchObject({ argument: 'events' });
    expect(tooBig.message).toContain('1048576');
  });

  it('reports an append to a deleted stream as an unusable stream id', () => {
    const mapped = toEventStoreError(StreamDeletedError.fromStreamName('school-16SW'), { operation: 'append', append });
    expect(mapped).toMatchObject({ code: 'EVENT_STORE_INVALID_ARGUMENT', argument: 'streamId' });
  });

  it('lets the adapter’s own errors through unchanged', () => {
    const own = new UnreadableEventError('school-16SW', 'id', 'why');
    expect(toEventStoreError(own, { operation: 'read' })).toBe(own);
  });

  it('classifies what a reconnect can cure', () => {
    expect(isTransientDriverError(new UnavailableError())).toBe(true);
    expect(isTransientDriverError(new DeadlineExceededError())).toBe(true);
    expect(isTransientDriverError(refused)).toBe(true);
    expect(isTransientDriverError(new Error('write after end'))).toBe(true);
    expect(isTransientDriverError(new AccessDeniedError())).toBe(false);
    expect(isTransientDriverError(Object.assign(new Error('16 UNAUTHENTICATED'), { code: 16 }))).toBe(false);
    expect(isTransientDriverError(invalidPosition)).toBe(false);
    expect(isTransientDriverError(new UnreadableEventError('s', 'i', 'r'))).toBe(false);
  });

  it('recognises the driver errors the adapter branches on', () => {
    expect(isInvalidPositionError(invalidPosition)).toBe(true);
    expect(isInvalidPositionError(new Error('Trying to read from an invalid position.'))).toBe(true); // bridge: text only
    expect(isInvalidPositionError(new UnknownError())).toBe(false);
    expect(isInvalidPositionError(new UnavailableError())).toBe(false);
    expect(isStreamNotFoundError(new StreamNotFoundError(undefined, 'school-16SW'))).toBe(true);
    expect(isStreamNotFoundError(new UnavailableError())).toBe(false);
    expect(isWrongExpectedVersionError(new DriverWrongExpectedVersionError(undefined, { streamName: 's', expected: 'no_stream', current: 0n }))).toBe(true);
    expect(isWrongExpectedVersionError(new UnavailableError())).toBe(false);
  });

  it('hides the credentials of a connection string in messages', () => {
    const cs = 'kurrentdb://admin:s3cr%3At@db.example:2113?tls=true';
    const redacted = redactConnectionString(`bad option in ${cs}; user admin:s3cr%3At; password s3cr%3At`, cs);
    expect(redacted).not.toContain('s3cr');
    expect(redacted).toContain('<connection string>');
    expect(redactConnectionString('no secrets here', 'kurrentdb://127.0.0.1:2113?tls=false')).toBe('no secrets here');
  });
});
