import type { NewEvent } from '@npo/contracts';
import { EmptyAppendError, InvalidArgumentError, InvalidEventError } from './errors.js';
import type { ExpectedVersion, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from './event-store.port.js';

/** An event checked and serialised before any lock is taken, so the write transaction only inserts. */
export interface PreparedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  /** JSON text of `data`. */
  readonly data: string;
  /** JSON text of `metadata`. */
  readonly metadata: string;
}

export const MAX_STREAM_ID_LENGTH = 256;
const MAX_TYPE_LENGTH = 200;
// Lower case only: the id is compared as text, and KurrentDB would treat differently cased ids as equal.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const isNonNegativeInteger = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export function validateStreamId(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new InvalidArgumentError('streamId', 'must be a non-empty string');
  if (streamId.length > MAX_STREAM_ID_LENGTH) throw new InvalidArgumentError('streamId', `longer than ${MAX_STREAM_ID_LENGTH} characters`);
  // `$` names are system streams in KurrentDB; refusing them everywhere keeps the adapters interchangeable.
  if (streamId.startsWith('$')) throw new InvalidArgumentError('streamId', 'must not start with "$"');
}

export function validateExpectedVersion(expected: unknown): asserts expected is ExpectedVersion {
  if (expected === 'no_stream' || expected === 'stream_exists' || expected === 'any') return;
  if (!isNonNegativeInteger(expected)) {
    throw new InvalidArgumentError('expectedVersion', "must be 'no_stream', 'stream_exists', 'any' or a stream position >= 0");
  }
}

function toJson(value: unknown, streamId: string, index: number, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new InvalidEventError(streamId, index, `${field} is not serialisable as JSON (${(error as Error).message})`);
  }
  if (text === undefined) throw new InvalidEventError(streamId, index, `${field} is not serialisable as JSON`);
  return text;
}

/** Validates an append's arguments and serialises its events. Throws before anything is written. */
export function prepareAppend(streamId: unknown, events: unknown, expectedVersion: unknown): PreparedEvent[] {
  validateStreamId(streamId);
  validateExpectedVersion(expectedVersion);
  if (!Array.isArray(events)) throw new InvalidArgumentError('events', 'must be an array');
  if (events.length === 0) throw new EmptyAppendError(streamId);
  const seen = new Set<string>();
  return (events as readonly NewEvent[]).map((event, index): PreparedEvent => {
    if (typeof event !== 'object' || event === null) throw new InvalidEventError(streamId, index, 'not an object');
    const { id, type, schemaVersion, occurredAt, metadata } = event;
    if (typeof id !== 'string' || !UUID.test(id)) throw new InvalidEventError(streamId, index, 'id must be a lower-case UUID');
    if (seen.has(id)) throw new InvalidEventError(streamId, index, `id ${id} occurs twice in the batch`);
    seen.add(id);
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
      throw new InvalidEventError(streamId, index, `type must be a non-empty string of at most ${MAX_TYPE_LENGTH} characters`);
    }
    if (!isNonNegativeInteger(schemaVersion) || schemaVersion < 1) throw new InvalidEventError(streamId, index, 'schemaVersion must be a positive integer');
    if (typeof occurredAt !== 'string' || occurredAt.length > 64 || Number.isNaN(Date.parse(occurredAt))) {
      throw new InvalidEventError(streamId, index, 'occurredAt must be an ISO 8601 instant');
    }
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new InvalidEventError(streamId, index, 'metadata must be an object');
    }
    return {
      id,
      type,
      schemaVersion,
      occurredAt,
      data: toJson(event.data, streamId, index, 'data'),
      metadata: toJson(metadata, streamId, index, 'metadata'),
    };
  });
}

export interface NormalisedStreamRead {
  readonly fromVersion: number;
  readonly maxCount: number;
}

export function normaliseReadStream(streamId: unknown, options: ReadStreamOptions | undefined): NormalisedStreamRead {
  validateStreamId(streamId);
  const fromVersion = options?.fromVersion ?? 0;
  if (!isNonNegativeInteger(fromVersion)) throw new InvalidArgumentError('fromVersion', 'must be an integer >= 0');
  return { fromVersion, maxCount: normaliseMaxCount(options?.maxCount, 'maxCount') };
}

export interface NormalisedAllRead {
  readonly after: number;
  readonly maxCount: number;
}

export function normaliseReadAll(options: ReadAllOptions | undefined): NormalisedAllRead {
  return { after: normaliseAfter(options?.after), maxCount: normaliseMaxCount(options?.maxCount, 'maxCount') };
}

export interface NormalisedSubscription {
  readonly after: number;
  readonly maxBatchSize: number;
}

export const DEFAULT_SUBSCRIPTION_BATCH = 500;

export function normaliseSubscribe(options: SubscribeOptions | undefined): NormalisedSubscription {
  const maxBatchSize = options?.maxBatchSize ?? DEFAULT_SUBSCRIPTION_BATCH;
  if (!isNonNegativeInteger(maxBatchSize) || maxBatchSize < 1) throw new InvalidArgumentError('maxBatchSize', 'must be an integer >= 1');
  return { after: normaliseAfter(options?.after), maxBatchSize };
}

function normaliseAfter(after: number | undefined): number {
  if (after === undefined) return -1;
  if (!Number.isSafeInteger(after) || after < -1) throw new InvalidArgumentError('after', 'must be an integer >= -1');
  return after;
}

/** `Infinity` when absent: reads return everything unless the caller pages. */
function normaliseMaxCount(maxCount: number | undefined, name: string): number {
  if (maxCount === undefined) return Number.POSITIVE_INFINITY;
  if (!isNonNegativeInteger(maxCount)) throw new InvalidArgumentError(name, 'must be an integer >= 0');
  return maxCount;
}
