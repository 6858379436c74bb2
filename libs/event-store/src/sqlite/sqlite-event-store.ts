import type { EventMetadata, NewEvent, RecordedEvent } from '@npo/contracts';
import { realpathSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { AppendNotifier } from '../append-notifier.js';
import { EventStoreError, EventStoreUnavailableError } from '../errors.js';
import type { AppendResult, EventStore, ExpectedVersion, ReadAllOptions, ReadStreamOptions, SerializedEvent, SubscribeOptions } from '../event-store.port.js';
import { assertExpectedVersion } from '../expected-version.js';
import { resolveStoredIds } from '../idempotency.js';
import { subscribeToAll } from '../subscription.js';
import { normaliseReadAll, normaliseReadStream, prepareAppend, type PreparedEvent } from '../validation.js';
import { migrate } from './migrations.js';
import { prepareStatements, type RawEventRow, type SerializedEventRow, type Statements } from './sqlite-statements.js';
import { fsyncOffThread, type SyncFile, WalSync } from './wal-sync.js';

export interface SqliteEventStoreOptions {
  /** Database file; created with its directory's permissions if missing. */
  readonly path: string;
  /** Source of `recordedAt`. Default: the system clock. */
  readonly clock?: () => Date;
  /**
   * Live subscriptions re-read at least this often, to see appends by other processes on the same file
   * (appends through this instance wake them at once). Default 100 ms.
   */
  readonly pollIntervalMs?: number;
  /** How long a write waits for another process's write lock before failing as unavailable. Default 5 s. */
  readonly busyTimeoutMs?: number;
  /**
   * How the WAL file is flushed to stable storage before an append is acknowledged or a read returns it.
   * Default: fsync(2) on libuv's thread pool. Tests hold it to see that nothing gets out before it.
   */
  readonly syncWal?: SyncFile;
}

interface PendingAppend {
  readonly streamId: string;
  readonly expectedVersion: ExpectedVersion;
  readonly events: readonly PreparedEvent[];
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly error: unknown };

// Stream heads are cached between commits; past this many streams the cache starts over rather than grow.
const MAX_CACHED_STREAMS = 100_000;

/**
 * better-sqlite3 is synchronous, so a commit blocks the thread. Group commit turns that into throughput:
 * every append that arrives before the next turn of the event loop is checked on its own and written in
 * one transaction. The fsync that makes a commit durable runs off the thread (WalSync), so the service
 * goes on working while the disk flushes, and the appends committed meanwhile share the next fsync.
 */
class SqliteEventStore implements EventStore {
  readonly #db: Database;
  readonly #sql: Statements;
  readonly #clock: () => Date;
  readonly #notifier = new AppendNotifier();
  readonly #pollIntervalMs: number;
  readonly #walSync: WalSync;
  #pending: PendingAppend[] = [];
  #flushScheduled = false;
  #closed = false;
  /** Committed last streamPosition per stream; valid while no other connection has written. */
  readonly #streamHeads = new Map<string, number>();
  /** globalPosition the next append gets; valid under the same condition as #streamHeads. */
  #nextGlobal: number | undefined;
  #seenDataVersion: number | undefined;

  constructor(db: Database, options: SqliteEventStoreOptions) {
    this.#db = db;
    // Through a symlink SQLite puts the WAL beside the target, so that is where to flush it.
    this.#walSync = new WalSync(realpathSync(db.name), options.syncWal ?? fsyncOffThread);
    this.#sql = prepareStatements(db);
    this.#clock = options.clock ?? (() => new Date());
    this.#pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  append(streamId: string, events: readonly NewEvent[], options: { readonly expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    let prepared: PreparedEvent[];
    try {
      prepared = prepareAppend(streamId, events, options?.expectedVersion);
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ streamId, expectedVersion: options.expectedVersion, events: prepared, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]> {
    const { fromVersion, maxCount } = normaliseReadStream(streamId, options);
    this.#assertOpen();
    return this.#durable(this.#guard(() => this.#sql.readStream.all(streamId, fromVersion, toLimit(maxCount)).map(toRecorded)));
  }

  async readAll(options?: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    const { after, maxCount } = normaliseReadAll(options);
    this.#assertOpen();
    return this.#durable(this.#guard(() => this.#page(after, maxCount)));
  }

  async headPosition(): Promise<number> {
    this.#assertOpen();
    const head = this.#guard(() => this.#sql.head.get() ?? -1);
    await this.#synced(head);
    return head;
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]> {
    return this.#follow((after, max) => this.#page(after, max), options);
  }

  subscribeToAllSerialized(options?: SubscribeOptions): AsyncIterable<readonly SerializedEvent[]> {
    return this.#follow((after, max) => this.#sql.readAllSerialized.all(after, toLimit(max)).map(toSerialized), options);
  }

  /** Both subscriptions: pages of one read, each returned once it is durable. */
  #follow<T extends { readonly globalPosition: number }>(read: (after: number, max: number) => T[], options?: SubscribeOptions): AsyncIterable<readonly T[]> {
    return subscribeToAll(
      {
        notifier: this.#notifier,
        isClosed: () => this.#closed,
        readPage: (after, max) => this.#durable(this.#guard(() => read(after, max))),
        pollIntervalMs: this.#pollIntervalMs,
      },
      options,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // Appends already accepted into the queue are written, not dropped, and answered once durable.
    this.#flush();
    this.#closed = true;
    await this.#walSync.settled();
    this.#notifier.close();
    this.#walSync.close();
    this.#db.close();
  }

  /**
   * What a read returns was committed, but maybe not yet flushed (by this process's pending fsync, or by
   * another process's): it waits for that, so nothing is handed on (to Kafka, to a decision) that a power
   * cut could still take back.
   */
  async #durable<T extends { readonly globalPosition: number }>(events: readonly T[]): Promise<readonly T[]> {
    // Both reads return ascending positions: the last one is the highest.
    const last = events.at(-1);
    if (last !== undefined) await this.#synced(last.globalPosition);
    return events;
  }

  async #synced(position: number): Promise<void> {
    try {
      await this.#walSync.through(position);
    } catch (error) {
      throw new EventStoreUnavailableError(`The event store could not flush its log to disk: ${(error as Error).message}`, { cause: error });
    }
  }

  #page(after: number, maxCount: number): RecordedEvent[] {
    return this.#sql.readAll.all(after, toLimit(maxCount)).map(toRecorded);
  }

  #flush(): void {
    this.#flushScheduled = false;
    const group = this.#pending;
    this.#pending = [];
    if (group.length === 0) return;
    const failure = this.#walSync.failure;
    if (failure !== undefined) {
      const refusal = new EventStoreUnavailableError(`The event store could not flush its log to disk: ${failure.message}`, { cause: failure });
      for (const p of group) p.reject(refusal);
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.#writeGroup(group);
    } catch (error) {
      // The transaction as a whole failed (lock timeout, I/O error): nothing of the group is stored.
      this.#forgetCachedHeads();
      const failure = new EventStoreUnavailableError(`Append failed: ${(error as Error).message}`, { cause: error });
      for (const p of group) p.reject(failure);
      return;
    }
    // Every answer waits for the fsync, refusals too: a conflict was judged on heads that were not durable yet.
    this.#synced((this.#nextGlobal ?? 0) - 1).then(
      () => {
        group.forEach((p, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) p.resolve(outcome.result);
          else p.reject(outcome.error);
        });
        if (outcomes.some((o) => o.ok)) this.#notifier.notify();
      },
      (error: unknown) => {
        for (const p of group) p.reject(error);
      },
    );
  }

  /** One write transaction for the whole group; each append passes or fails on its own inside it. */
  #writeGroup(group: readonly PendingAppend[]): Outcome[] {
    const sql = this.#sql;
    sql.begin.run();
    try {
      // Another process committed since our last look: cached stream heads may be stale.
      const dataVersion = sql.dataVersion.get();
      if (dataVersion !== this.#seenDataVersion) {
        this.#forgetCachedHeads();
        this.#seenDataVersion = dataVersion;
      }
      const recordedAt = this.#clock().toISOString();
      const written = new Map<string, number>();
      const cursor = { nextGlobal: this.#nextGlobal ?? (sql.head.get() ?? -1) + 1 };
      const outcomes = group.map((p): Outcome => {
        try {
          return { ok: true, result: this.#appendOne(p, recordedAt, written, cursor) };
        } catch (error) {
          if (error instanceof EventStoreError) return { ok: false, error };
          throw error;
        }
      });
      sql.commit.run();
      this.#nextGlobal = cursor.nextGlobal;
      if (this.#streamHeads.size + written.size > MAX_CACHED_STREAMS) this.#streamHeads.clear();
      for (const [streamId, head] of written) this.#streamHeads.set(streamId, head);
      return outcomes;
    } catch (error) {
      if (this.#db.inTransaction) sql.rollback.run();
      throw error;
    }
  }

  #appendOne(p: PendingAppend, recordedAt: string, written: Map<string, number>, cursor: { nextGlobal: number }): AppendResult {
    const sql = this.#sql;
    const { streamId, events } = p;
    const current = written.get(streamId) ?? this.#streamHead(streamId);
    try {
      assertExpectedVersion(streamId, p.expectedVersion, current);
    } catch (conflict) {
      // A retry of an append that succeeded usually carries the version it was first sent with: look
      // its ids up before calling it a conflict. The happy path never pays for this lookup.
      const retry = this.#storedIds(streamId, events);
      if (retry !== undefined) return retry;
      throw conflict;
    }
    const firstGlobal = cursor.nextGlobal;
    const positions: { id: string; streamPosition: number; globalPosition: number }[] = [];
    try {
      events.forEach((e, i) => {
        const streamPosition = current + 1 + i;
        const globalPosition = firstGlobal + i;
        sql.insert.run(globalPosition, streamId, streamPosition, e.id, e.type, e.schemaVersion, e.data, e.metadata, e.occurredAt, recordedAt);
        positions.push({ id: e.id, streamPosition, globalPosition });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Undo this append only; the rest of the group goes on. A taken event id makes it a retry (first
      // result back) or a duplicate (thrown by #storedIds).
      sql.deleteFrom.run(firstGlobal);
      const retry = this.#storedIds(streamId, events);
      if (retry !== undefined) return retry;
      // No id is taken, so the stream position was: our cached head was stale. Fail this append only.
      this.#streamHeads.delete(streamId);
      cursor.nextGlobal = (sql.head.get() ?? -1) + 1;
      throw new EventStoreUnavailableError(`Stream ${streamId} changed concurrently; retry the append`, { cause: error });
    }
    cursor.nextGlobal = firstGlobal + events.length;
    const last = positions.at(-1)!;
    written.set(streamId, last.streamPosition);
    return { streamId, nextExpectedVersion: last.streamPosition, lastGlobalPosition: last.globalPosition, events: positions };
  }

  /** The original result if these ids are a stored append of this stream; throws if they are taken otherwise. */
  #storedIds(streamId: string, events: readonly PreparedEvent[]): AppendResult | undefined {
    const ids = events.map((e) => e.id);
    return resolveStoredIds(streamId, ids, ids.map((id) => this.#sql.locateId.get(id)));
  }

  #forgetCachedHeads(): void {
    this.#streamHeads.clear();
    this.#nextGlobal = undefined;
    this.#seenDataVersion = undefined;
  }

  #streamHead(streamId: string): number {
    const cached = this.#streamHeads.get(streamId);
    if (cached !== undefined) return cached;
    const head = this.#sql.streamHead.get(streamId) ?? -1;
    this.#streamHeads.set(streamId, head);
    return head;
  }

  #assertOpen(): void {
    if (this.#closed) throw new EventStoreUnavailableError('The SQLite event store is closed');
  }

  #guard<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw new EventStoreUnavailableError(`Read failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

const toLimit = (maxCount: number): number => (Number.isFinite(maxCount) ? maxCount : -1);

const isUniqueViolation = (error: unknown): boolean =>
  error instanceof BetterSqlite3.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE';

const toRecorded = ([globalPosition, streamId, streamPosition, id, type, schemaVersion, data, metadata, occurredAt, recordedAt]: RawEventRow): RecordedEvent => ({
  id,
  type,
  schemaVersion,
  streamId,
  streamPosition,
  globalPosition,
  occurredAt,
  recordedAt,
  data: JSON.parse(data) as unknown,
  metadata: JSON.parse(metadata) as EventMetadata,
});

const toSerialized = ([globalPosition, streamId, id, type, schemaVersion, json]: SerializedEventRow): SerializedEvent => ({
  id,
  type,
  schemaVersion,
  streamId,
  globalPosition,
  json,
});

/**
 * Opens (creating and migrating if needed) a SQLite event store. WAL journal; an acknowledged append has
 * been fsynced, so it survives a crash of the process and of the machine: synchronous=NORMAL plus the WAL
 * fsync after each commit that WalSync issues is synchronous=FULL with the fsync off the thread.
 */
export async function openSqliteEventStore(options: SqliteEventStoreOptions): Promise<EventStore> {
  let db: Database | undefined;
  try {
    db = new BetterSqlite3(options.path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const clock = options.clock ?? (() => new Date());
    migrate(db, () => clock().toISOString());
    return new SqliteEventStore(db, options);
  } catch (error) {
    db?.close();
    if (error instanceof EventStoreError) throw error;
    throw new EventStoreUnavailableError(`Cannot open event store at ${options.path}: ${(error as Error).message}`, { cause: error });
  }
}
