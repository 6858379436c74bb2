import type { NewEvent, RecordedEvent } from '@npo/contracts';

/**
 * What the appender believes about the stream. A number is the streamPosition of the stream's last
 * event (so a stream with one event is at 0), as in KurrentDB's revision.
 */
export type ExpectedVersion = 'no_stream' | 'stream_exists' | 'any' | number;

export interface AppendResult {
  readonly streamId: string;
  /** streamPosition of the last event appended: pass it as expectedVersion for the next append. */
  readonly nextExpectedVersion: number;
  /** globalPosition of the last event appended. */
  readonly lastGlobalPosition: number;
  readonly events: readonly { readonly id: string; readonly streamPosition: number; readonly globalPosition: number }[];
}

export interface ReadStreamOptions {
  /** First streamPosition to return (inclusive). Default 0. */
  readonly fromVersion?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Return events with globalPosition strictly greater than this. Default: from the start. */
  readonly after?: number;
  readonly maxCount?: number;
}

export interface SubscribeOptions {
  /** Checkpoint: deliver events with globalPosition strictly greater than this. */
  readonly after?: number;
  /** Largest batch handed to the consumer at once. */
  readonly maxBatchSize?: number;
  /** Ends the iteration (the loop sees `done`) without an error. */
  readonly signal?: AbortSignal;
}

/**
 * An event of the global log with its envelope already serialized, for a reader that hands the envelope
 * on as text (the relay's Kafka value): an adapter that keeps the payload as JSON builds it without
 * parsing and re-serializing it.
 */
export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly globalPosition: number;
  /** The RecordedEvent as JSON: JSON.parse(json) equals what readAll returns for this event. */
  readonly json: string;
}

export interface EventStore {
  /**
   * Appends atomically. Re-sending a batch whose event ids were already appended to the same stream
   * returns the first result and writes nothing (idempotent retry).
   * @throws WrongExpectedVersionError, DuplicateEventIdError, EventStoreUnavailableError
   */
  append(streamId: string, events: readonly NewEvent[], options: { readonly expectedVersion: ExpectedVersion }): Promise<AppendResult>;
  /** Events of one stream in streamPosition order; an empty array for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;
  /** The global log in globalPosition order. */
  readAll(options?: ReadAllOptions): Promise<readonly RecordedEvent[]>;
  /** Position of the newest event in the global log, or -1 when the store is empty. */
  headPosition(): Promise<number>;
  /**
   * Catch-up then live: every event after the checkpoint, in globalPosition order, in batches, never
   * skipping or repeating one, waiting for new appends once caught up.
   */
  subscribeToAll(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]>;
  /** subscribeToAll with every event as its envelope's JSON text: the same events, batches and guarantees. */
  subscribeToAllSerialized(options?: SubscribeOptions): AsyncIterable<readonly SerializedEvent[]>;
  close(): Promise<void>;
}
