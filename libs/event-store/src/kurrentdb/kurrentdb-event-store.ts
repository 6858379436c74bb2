import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@npo/contracts';
import {
  BACKWARDS,
  END,
  KurrentDBClient,
  NO_STREAM,
  START,
  type AllStreamResolvedEvent,
  type PrefixesFilter,
  type ReadPosition,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, InvalidArgumentError, WrongExpectedVersionError, type ActualVersion } from '../errors.js';
import type { AppendResult, EventStore, ExpectedVersion, ReadAllOptions, ReadStreamOptions, SerializedEvent, SubscribeOptions } from '../event-store.port.js';
import { serializedPages } from '../serialized.js';
import { resolveStoredIds, type StoredPosition } from '../idempotency.js';
import { normaliseReadAll, normaliseReadStream, prepareAppend } from '../validation.js';
import { normaliseReconnectPolicy, type ReconnectPolicy } from './backoff.js';
import {
  isInvalidPositionError,
  isStreamNotFoundError,
  isWrongExpectedVersionError,
  messageOfError,
  redactConnectionString,
  toEventStoreError,
} from './driver-errors.js';
import { toEventData, toRecordedEvent } from './event-conversion.js';
import { claimEvent, claimOwner, claimStreamId, DEFAULT_EVENT_ID_STREAM_PREFIX, storedPositions, type ClaimOutcome } from './event-id-claims.js';
import { UnreadableEventError } from './kurrentdb-errors.js';
import { toGlobalPosition, toReadPosition, toRevision, toStreamPosition } from './positions.js';
import { reconnectingSubscription, type OpenSubscription, type ReconnectInfo } from './reconnecting-subscription.js';
import { toStreamState } from './stream-state.js';
import { DEFAULT_STREAM_PREFIXES, isProjectStream, projectStreamFilter, validateClaimPrefix, validateStreamPrefixes } from './stream-filter.js';

export interface KurrentDbEventStoreOptions {
  /**
   * `kurrentdb://host:2113?tls=false` (or `esdb://`, `+discover`, with `user:password@` on a secure
   * server). A secret: it is never put into error messages.
   */
  readonly connectionString: string;
  /**
   * The project's streams: appends go only to streams with one of these prefixes, and readAll,
   * headPosition and subscribeToAll return only their events (a server-side filter on $all).
   * Default `school-`, `gemeente-`.
   */
  readonly streamPrefixes?: readonly string[];
  /** Prefix of the streams that claim event ids (see event-id-claims.ts). Default `npo-event-id-`. */
  readonly eventIdStreamPrefix?: string;
  /** Backoff between reconnects of a subscription. */
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** Told about every subscription reconnect, e.g. to log it. */
  readonly onReconnect?: (info: ReconnectInfo) => void;
  /** Read the head once at open, so a wrong address or credentials fail at start-up. Default true. */
  readonly verifyConnection?: boolean;
}

interface Settings {
  readonly prefixes: readonly string[];
  readonly claimPrefix: string;
  readonly policy: ReconnectPolicy;
  readonly onReconnect: ((info: ReconnectInfo) => void) | undefined;
}

/** Claims in flight per append: enough to hide latency, few enough not to flood the server with a large batch. */
const CLAIM_CONCURRENCY = 64;
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/**
 * EventStore on KurrentDB (or EventStoreDB >= 22.6) over gRPC. Streams and expected versions map one to
 * one; globalPosition is the commit position in the transaction log (positions.ts); event ids are made
 * unique store-wide with claim streams (event-id-claims.ts); readAll and subscriptions read $all with a
 * server-side stream-prefix filter.
 */
class KurrentDbEventStore implements EventStore {
  readonly #client: KurrentDBClient;
  readonly #settings: Settings;
  readonly #filter: PrefixesFilter;
  readonly #closing = new AbortController();
  readonly #subscriptions = new Set<OpenSubscription>();
  #closed = false;

  constructor(client: KurrentDBClient, settings: Settings) {
    this.#client = client;
    this.#settings = settings;
    this.#filter = projectStreamFilter(settings.prefixes);
  }

  async append(streamId: string, events: readonly NewEvent[], options: { readonly expectedVersion: ExpectedVersion }): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events, options?.expectedVersion);
    if (!isProjectStream(streamId, this.#settings.prefixes)) {
      // Its events would never reach readAll or a subscription (they read the project's streams only).
      throw new InvalidArgumentError('streamId', `must start with one of ${this.#settings.prefixes.join(', ')}`);
    }
    this.#assertOpen();
    const expected = options.expectedVersion;
    try {
      const ids = prepared.map((e) => e.id);
      const claims = await this.#claim(streamId, ids);
      if (claims.some((c) => c.kind === 'existing')) {
        const ownClaims = claims.some((c) => c.kind === 'existing' && c.owner === streamId);
        const located = ownClaims ? await this.#locate(streamId) : new Map<string, StoredPosition>();
        const retry = resolveStoredIds(streamId, ids, storedPositions(streamId, ids, claims, located));
        if (retry !== undefined) return retry;
      }
      const result = await this.#client.appendToStream(streamId, prepared.map(toEventData), { streamState: toStreamState(expected) });
      if (!result.success) {
        // Only when the connection string sets throwOnAppendFailure=false; ask the stream for its version.
        throw new WrongExpectedVersionError(streamId, expected, await this.#actualVersion(streamId));
      }
      return await this.#readBack(streamId, ids, result.nextExpectedRevision);
    } catch (error) {
      throw toEventStoreError(error, { operation: `append to ${streamId}`, append: { streamId, expected } });
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]> {
    const { fromVersion, maxCount } = normaliseReadStream(streamId, options);
    this.#assertOpen();
    if (maxCount === 0) return [];
    try {
      return (await this.#readRaw(streamId, fromVersion, maxCount, false)).map(toRecordedEvent);
    } catch (error) {
      throw toEventStoreError(error, { operation: `read ${streamId}` });
    }
  }

  async readAll(options?: ReadAllOptions): Promise<readonly RecordedEvent[]> {
    const { after, maxCount } = normaliseReadAll(options);
    this.#assertOpen();
    if (maxCount === 0) return [];
    try {
      try {
        return await this.#readAllFrom(toReadPosition(after), after, maxCount);
      } catch (error) {
        // `after` is not the start of a log record (only event positions are): scan from the beginning.
        if (after < 0 || !isInvalidPositionError(error)) throw error;
        return await this.#readAllFrom(START, after, maxCount);
      }
    } catch (error) {
      throw toEventStoreError(error, { operation: 'read $all' });
    }
  }

  async headPosition(): Promise<number> {
    this.#assertOpen();
    try {
      for await (const resolved of this.#client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: this.#filter })) {
        const event = resolved.event;
        if (event !== undefined && isProjectStream(event.streamId, this.#settings.prefixes)) {
          return toGlobalPosition(event.position, event.streamId, event.id);
        }
      }
      return -1;
    } catch (error) {
      throw toEventStoreError(error, { operation: 'read the head of $all' });
    }
  }

  subscribeToAllSerialized(options?: SubscribeOptions): AsyncIterable<readonly SerializedEvent[]> {
    return serializedPages(this.subscribeToAll(options));
  }

  subscribeToAll(options?: SubscribeOptions): AsyncIterable<readonly RecordedEvent[]> {
    return reconnectingSubscription(
      {
        open: (from, bufferSize) => this.#openSubscription(from, bufferSize),
        convert: (resolved) => this.#toProjectEvent(resolved),
        closing: this.#closing.signal,
        policy: this.#settings.policy,
        random: Math.random,
        ...(this.#settings.onReconnect === undefined ? {} : { onReconnect: this.#settings.onReconnect }),
      },
      options,
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    await Promise.allSettled([...this.#subscriptions].map((s) => s.close()));
    await this.#client.dispose().catch(() => undefined);
  }

  #openSubscription(from: ReadPosition, bufferSize: number): OpenSubscription {
    const subscription = this.#client.subscribeToAll({ fromPosition: from, filter: this.#filter }, { highWaterMark: bufferSize });
    const handle: OpenSubscription = {
      events: subscription,
      close: async () => {
        if (!this.#subscriptions.delete(handle)) return;
        await subscription.unsubscribe();
      },
    };
    this.#subscriptions.add(handle);
    return handle;
  }

  #toProjectEvent(resolved: AllStreamResolvedEvent): RecordedEvent | undefined {
    const event = resolved.event;
    if (event === undefined || !isProjectStream(event.streamId, this.#settings.prefixes)) return undefined;
    return toRecordedEvent(event);
  }

  /** Project events with globalPosition > `after`, reading forward from `from` (at or before `after`). */
  async #readAllFrom(from: ReadPosition, after: number, maxCount: number): Promise<RecordedEvent[]> {
    // From an event's own position the read includes that event, hence one more; from the start
    // with a checkpoint, everything up to the checkpoint is skipped, so no bound helps.
    const count = !Number.isFinite(maxCount) || (from === START && after >= 0) ? UNLIMITED : after < 0 ? maxCount : maxCount + 1;
    const out: RecordedEvent[] = [];
    for await (const resolved of this.#client.readAll({ fromPosition: from, maxCount: count, filter: this.#filter })) {
      const event = this.#toProjectEvent(resolved);
      if (event === undefined || event.globalPosition <= after) continue;
      out.push(event);
      if (out.length >= maxCount) break;
    }
    return out;
  }

  /** Raw events of a stream; none for a stream that does not exist. */
  async #readRaw(streamId: string, fromVersion: number, maxCount: number, requiresLeader: boolean): Promise<KurrentRecordedEvent[]> {
    const out: KurrentRecordedEvent[] = [];
    try {
      const reads = this.#client.readStream(streamId, {
        fromRevision: toRevision(fromVersion),
        maxCount: Number.isFinite(maxCount) ? maxCount : UNLIMITED,
        requiresLeader,
      });
      for await (const resolved of reads) {
        if (resolved.event !== undefined) out.push(resolved.event);
      }
    } catch (error) {
      if (isStreamNotFoundError(error)) return [];
      throw error;
    }
    return out;
  }

  async #claim(streamId: string, ids: readonly string[]): Promise<ClaimOutcome[]> {
    const outcomes: ClaimOutcome[] = [];
    for (let i = 0; i < ids.length; i += CLAIM_CONCURRENCY) {
      outcomes.push(...(await Promise.all(ids.slice(i, i + CLAIM_CONCURRENCY).map((id) => this.#claimOne(streamId, id)))));
    }
    return outcomes;
  }

  async #claimOne(owner: string, eventId: string): Promise<ClaimOutcome> {
    const claimStream = claimStreamId(this.#settings.claimPrefix, eventId);
    try {
      const result = await this.#client.appendToStream(claimStream, claimEvent(randomUUID(), owner), { streamState: NO_STREAM });
      if (result.success) return { kind: 'new' };
    } catch (error) {
      if (!isWrongExpectedVersionError(error)) throw error;
    }
    const [claim] = await this.#readRaw(claimStream, 0, 1, true);
    if (claim === undefined) throw new UnreadableEventError(claimStream, eventId, 'the claim stream exists but holds no claim');
    return { kind: 'existing', owner: claimOwner(claim) };
  }

  /** Where each event of the stream is, by id: to recognise a retry of an earlier append. */
  async #locate(streamId: string): Promise<Map<string, StoredPosition>> {
    const located = new Map<string, StoredPosition>();
    for (const e of await this.#readRaw(streamId, 0, Number.POSITIVE_INFINITY, true)) {
      located.set(e.id, {
        streamId,
        streamPosition: toStreamPosition(e.revision, streamId, e.id),
        globalPosition: toGlobalPosition(e.position, streamId, e.id),
      });
    }
    return located;
  }

  /**
   * The append result with every event's global position: the server acknowledges only the last
   * revision, so the batch is read back from the leader (and checked to be ours).
   */
  async #readBack(streamId: string, ids: readonly string[], nextRevision: bigint): Promise<AppendResult> {
    const last = toStreamPosition(nextRevision, streamId, ids.at(-1)!);
    const first = last - ids.length + 1;
    const stored = first < 0 ? [] : await this.#readRaw(streamId, first, ids.length, true);
    if (stored.length !== ids.length || stored.some((e, i) => e.id !== ids[i])) {
      throw new EventStoreUnavailableError(`append to ${streamId}: the events at ${first}..${last} are not the ones appended`);
    }
    const positions = stored.map((e, i) => ({ id: ids[i]!, streamPosition: first + i, globalPosition: toGlobalPosition(e.position, streamId, e.id) }));
    return { streamId, nextExpectedVersion: last, lastGlobalPosition: positions.at(-1)!.globalPosition, events: positions };
  }

  async #actualVersion(streamId: string): Promise<ActualVersion> {
    try {
      for await (const resolved of this.#client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1, requiresLeader: true })) {
        if (resolved.event !== undefined) return toStreamPosition(resolved.event.revision, streamId, resolved.event.id);
      }
    } catch (error) {
      if (!isStreamNotFoundError(error)) throw error;
    }
    return 'no_stream';
  }

  #assertOpen(): void {
    if (this.#closed) throw new EventStoreUnavailableError('The KurrentDB event store is closed');
  }
}

/**
 * Connects to KurrentDB. The server must accept appends of the project's largest batch: its default
 * MaxAppendSize is 1 MiB.
 */
export async function openKurrentDbEventStore(options: KurrentDbEventStoreOptions): Promise<EventStore> {
  const claimPrefix = validateClaimPrefix(options.eventIdStreamPrefix ?? DEFAULT_EVENT_ID_STREAM_PREFIX);
  const prefixes = validateStreamPrefixes(options.streamPrefixes ?? DEFAULT_STREAM_PREFIXES, claimPrefix);
  const policy = normaliseReconnectPolicy(options.reconnect);
  const { connectionString } = options;
  if (typeof connectionString !== 'string' || connectionString.length === 0) {
    throw new InvalidArgumentError('connectionString', 'must be a non-empty string');
  }
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(connectionString);
  } catch (error) {
    throw new InvalidArgumentError('connectionString', redactConnectionString(messageOfError(error), connectionString));
  }
  const store = new KurrentDbEventStore(client, { prefixes, claimPrefix, policy, onReconnect: options.onReconnect });
  if (options.verifyConnection ?? true) {
    try {
      await store.headPosition();
    } catch (error) {
      await store.close();
      if (!(error instanceof EventStoreUnavailableError)) throw error;
      const message = redactConnectionString(error.message, connectionString);
      throw new EventStoreUnavailableError(`Cannot reach KurrentDB: ${message}`, { cause: error });
    }
  }
  return store;
}
