import type { EventMetadata, NewEvent, RecordedEvent } from '@npo/contracts';
import { AppendNotifier } from '../append-notifier.js';
import { EventStoreUnavailableError } from '../errors.js';
import type { AppendResult, EventStore, ExpectedVersion, ReadAllOptions, ReadStreamOptions, SerializedEvent, SubscribeOptions } from '../event-store.port.js';
import { serializedPages } from '../serialized.js';
import { assertExpectedVersion } from '../expected-version.js';
import { resolveStoredIds } from '../idempotency.js';
import { subscribeToAll } from '../subscription.js';
import { normaliseReadAll, normaliseReadStream, prepareAppend, type PreparedEvent } from '../validation.js';

export interface InMemoryEventStoreOptions {
  /** Source of `recordedAt`. Default: the system clock. */
  readonly clock?: () => Date;
}

interface Row {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
  readonly recordedAt: string;
  readonly event: PreparedEvent;
}

/**
 * For tests only: the whole log in one array. Events are kept as JSON text and parsed on every read,
 * like the SQLite adapter, so a caller mutating what it read or appended cannot change the store.
 */
class InMemoryEventStore implements EventStore {
  readonly #log: Row[] = [];
  readonly #streams = new Map<string, Row[]>();
  readonly #byId = new Map<string, Row>();
  readonly #notifier = new AppendNotifier();
  readonly #clock: () => Date;
  #closed = false;

  constructor(options: InMemoryEventStoreOptions) {
    this.#clock = options.clock ?? (() => new Date());
  }

  async append(streamId: string, events: readonly NewEvent[], options: { readonly expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, options?.expectedVersion);
    this.#assertOpen();
    const ids = prepared.map((e) => e.id);
    const retry = resolveStoredIds(streamId, ids, ids.map((id) => this.#byId.get(id)));
    if (retry !== undefined) return retry;
    const stream = this.#streams.get(streamId) ?? [];
    assertExpectedVersion(streamId, options.expectedVersion, stream.length - 1);
    const recordedAt = this.#clock().toISOString();
    const rows = prepared.map(
      (event, i): Row => ({ streamId, streamPosition: stream.length + i, globalPosition: this.#log.length + i, recordedAt, event }),
    );
    for (const row of rows) {
      this.#log.push(row);
      stream.push(row);
      this.#byId.set(row.event.id, row);
    }
    this.#streams.set(streamId, stream);
    this.#notifier.notify();
    const last = rows.at(-1)!;
    return {
      streamId,
      nextExpectedVersion: last.streamPosition,
      lastGlobalPosition: last.globalPosition,
      events: rows.map((r) => ({ id: r.event.id, streamPosition: r.streamPosition, globalPosition: r.globalPosition })),
    };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]> {
    const { fromVersion, maxCount } = normaliseReadStream(streamId, options);
    this.#assertOpen();
    const stream = this.#streams.get(streamId) ?? [];
    return stream.slice(fromVersion, fromVersion + Math.min(maxCount, stream.length)).map(toRecorded);
  }

  async readAll(options?: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    const { after, maxCount } = normaliseReadAll(options);
    this.#assertOpen();
    return this.#page(after, maxCount);
  }

  async headPosition(): Promise<number> {
    this.#assertOpen();
    return this.#log.length - 1;
  }

  subscribeToAllSerialized(options?: SubscribeOptions): AsyncIterable<readonly SerializedEvent[]> {
    return serializedPages(this.subscribeToAll(options));
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]> {
    return subscribeToAll(
      { notifier: this.#notifier, isClosed: () => this.#closed, readPage: (after, max) => this.#page(after, max) },
      options,
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#notifier.close();
  }

  // Global positions equal array indices here, so a page is a slice.
  #page(after: number, maxCount: number): RecordedEvent[] {
    const start = after + 1;
    return this.#log.slice(start, start + Math.min(maxCount, this.#log.length)).map(toRecorded);
  }

  #assertOpen(): void {
    if (this.#closed) throw new EventStoreUnavailableError('The in-memory event store is closed');
  }
}

const toRecorded = (row: Row): RecordedEvent => ({
  id: row.event.id,
  type: row.event.type,
  schemaVersion: row.event.schemaVersion,
  streamId: row.streamId,
  streamPosition: row.streamPosition,
  globalPosition: row.globalPosition,
  occurredAt: row.event.occurredAt,
  recordedAt: row.recordedAt,
  data: JSON.parse(row.event.data) as unknown,
  metadata: JSON.parse(row.event.metadata) as EventMetadata,
});

export const createInMemoryEventStore = (options: InMemoryEventStoreOptions = {}): EventStore => new InMemoryEventStore(options);
