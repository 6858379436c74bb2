import { hash as digest } from 'node:crypto';
import { decodeEvent, eventContracts, type Actor, type EventMetadata, type NewEvent, type NpoEventData, type RecordedEvent } from '@npo/contracts';
import type { DecideContext } from '@npo/domain';
import { WrongExpectedVersionError, type EventStore } from '@npo/event-store';
import { ConcurrencyExhaustedError, IdempotencyKeyReusedError, UndecodableEventError } from './application-errors.js';
import { InMemoryIdempotencyKeys, type IdempotencyKeys } from './idempotency-keys.js';
import { KeyedMutex } from './keyed-mutex.js';

export interface Decider<TCommand, TState> {
  decide(command: TCommand, state: TState, context: DecideContext): readonly NpoEventData[];
  evolve(state: TState, event: NpoEventData): TState;
  initialState(): TState;
}

/** Who asks and how the request is traced; becomes the events' metadata. */
export interface CommandMeta {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  /** Hash of method, path and body, so a reused key with another request is recognised. */
  readonly requestHash: string | null;
  /** Whose keys these are: the token subject. A key names one request of this caller, on any stream. */
  readonly keyScope: string;
}

export interface CommandReply {
  /** True when the request appended events (the first time, for a replay); false for a no-op repeat. */
  readonly created: boolean;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  readonly replayed: boolean;
  readonly eventIds: readonly string[];
  readonly streamVersion: number;
  readonly globalPosition: number;
}

export interface StreamSnapshot<TState> {
  readonly state: TState;
  /** Position of the stream's last event; -1 when the stream does not exist. */
  readonly version: number;
  readonly lastEventId: string | null;
  readonly lastGlobalPosition: number;
  /** Replies to idempotent requests seen in this stream, by the key's scope and the key (see replyKeyOf). */
  readonly replies: ReadonlyMap<string, { readonly requestHash: string | null; readonly reply: CommandReply }>;
}

export interface ExecutorOptions {
  readonly clock: () => Date;
  readonly newId: () => string;
  /** Attempts after a version conflict with another process before answering 409. */
  readonly maxAttempts?: number;
  /** Streams whose folded state is kept in memory. */
  readonly cacheSize?: number;
  /** Idempotency-Keys across streams; share one between the executors of one API. Default: in memory. */
  readonly keys?: IdempotencyKeys;
}

/** What the events' metadata keeps of a key's scope (the token subject may name a person). */
const keyScopeTag = (keyScope: string): string => digest('sha256', keyScope, 'base64url');

/** Events recorded before their metadata kept the key's scope: their keys are the actor's. */
const actorReplyKey = (actor: Actor, key: string): string => `actor:${actor.role}:${actor.id}:${key}`;

const scopedReplyKey = (tag: string, key: string): string => `scope:${tag}:${key}`;

const replyKeyOf = (metadata: EventMetadata, key: string): string =>
  metadata.keyScope === undefined || metadata.keyScope === null ? actorReplyKey(metadata.actor, key) : scopedReplyKey(metadata.keyScope, key);

/**
 * A stored event as the current version of its contract: older versions go through the contracts'
 * upcasters, and the result is validated against the current schema. The envelope is not checked
 * again (the store wrote it), the data is. An event the contracts cannot read stops the fold.
 */
function currentVersionOf(event: RecordedEvent): NpoEventData {
  const decoded = decodeEvent(event, { validateEnvelope: false });
  if (!decoded.ok) {
    throw new UndecodableEventError(event.streamId, event.streamPosition, event.id, event.type, event.schemaVersion, decoded.reason);
  }
  return { type: decoded.event.type, data: decoded.event.data } as NpoEventData;
}

/**
 * The application service behind every command: load the stream's state, decide, append with the
 * expected version. State is cached per stream; a cache made stale by another process shows up as a
 * version conflict, which reloads and decides again.
 */
export class StreamCommandExecutor<TCommand, TState> {
  private readonly mutex = new KeyedMutex();
  private readonly cache = new Map<string, StreamSnapshot<TState>>();
  private readonly maxAttempts: number;
  private readonly cacheSize: number;
  private readonly keys: IdempotencyKeys;

  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<TCommand, TState>,
    private readonly options: ExecutorOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.cacheSize = options.cacheSize ?? 20_000;
    this.keys = options.keys ?? new InMemoryIdempotencyKeys();
  }

  /**
   * Runs a command; with an Idempotency-Key, at most once per (caller, key). The key is claimed before
   * the stream is touched and answered after, in a store of its own, so there is a crash window between
   * the append and the answer. A retry in that window finds a claim without answer for the same request
   * and goes on to the stream, whose event metadata holds the key too: it replays the appended events
   * instead of appending again. Another request with that key meets the claim and is refused, crashed or
   * not. A claim whose request recorded nothing is released, so a refused request can be corrected and
   * sent with the same key; if the process stops before releasing, the key stays bound to that request.
   */
  async execute(streamId: string, command: TCommand, meta: CommandMeta): Promise<CommandReply> {
    const { idempotencyKey: key, requestHash: hash, keyScope: scope } = meta;
    if (key === null || hash === null) return this.executeOnStream(streamId, command, meta);
    const claim = await this.keys.claim(scope, key, hash, streamId);
    if (claim !== null) {
      if (claim.requestHash !== hash) throw new IdempotencyKeyReusedError(key);
      if (claim.reply !== null) return { ...claim.reply, replayed: true };
    }
    let reply: CommandReply;
    try {
      reply = await this.executeOnStream(streamId, command, meta);
    } catch (err) {
      // Only the holder releases: a claim met here belongs to a request still running, or to one whose
      // events may be in the store already.
      // A release that fails leaves the key bound to this request (a corrected one then gets 422 until the
      // claim is freed by hand); the caller still learns why its request failed, not that the release did.
      if (claim === null) await this.keys.release(scope, key, hash).catch(() => undefined);
      throw err;
    }
    // The events are recorded whatever happens to the answer: a retry that finds the claim unanswered
    // replays them from the stream's metadata, so a failed write here must not turn this reply into a 503.
    await this.keys.complete(scope, key, hash, { ...reply, replayed: false }).catch(() => undefined);
    return reply;
  }

  private async executeOnStream(streamId: string, command: TCommand, meta: CommandMeta): Promise<CommandReply> {
    const tag = meta.idempotencyKey === null ? null : keyScopeTag(meta.keyScope);
    return this.mutex.run(streamId, async () => {
      // The first attempt trusts the cache. Anything another process appended since shows up as a
      // version conflict or, if the stale state made the decider refuse or decide nothing, as an
      // answer checked again on caught-up state; either way the next attempt reads the store.
      let caughtUp = false;
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        const snapshot = await this.snapshot(streamId, caughtUp);
        const replayed = this.replayOf(snapshot, meta, tag);
        if (replayed) return replayed;

        const now = this.options.clock().toISOString();
        let decided: readonly NpoEventData[];
        try {
          decided = this.decider.decide(command, snapshot.state, { now });
        } catch (refusal) {
          if (caughtUp) throw refusal;
          const fresh = await this.snapshot(streamId, true);
          caughtUp = true;
          if (fresh.version === snapshot.version) throw refusal;
          continue;
        }
        if (decided.length === 0) {
          // "Nothing to record" on a stale cache may be wrong (e.g. consent that a change elsewhere
          // made necessary again): like a refusal, it only stands on caught-up state.
          if (!caughtUp) {
            const fresh = await this.snapshot(streamId, true);
            caughtUp = true;
            if (fresh.version !== snapshot.version) continue;
          }
          return {
            created: false,
            replayed: false,
            eventIds: snapshot.lastEventId === null ? [] : [snapshot.lastEventId],
            streamVersion: snapshot.version,
            globalPosition: snapshot.lastGlobalPosition,
          };
        }
        const events = decided.map((e) => this.envelope(e, now, meta, tag));
        try {
          const result = await this.store.append(streamId, events, {
            expectedVersion: snapshot.version < 0 ? 'no_stream' : snapshot.version,
          });
          const reply: CommandReply = {
            created: true,
            replayed: false,
            eventIds: result.events.map((e) => e.id),
            streamVersion: result.nextExpectedVersion,
            globalPosition: result.lastGlobalPosition,
          };
          this.remember(streamId, this.advance(snapshot, decided, reply, meta, tag));
          return reply;
        } catch (err) {
          if (!(err instanceof WrongExpectedVersionError)) throw err;
          this.cache.delete(streamId);
          caughtUp = true;
        }
      }
      throw new ConcurrencyExhaustedError(streamId, this.maxAttempts);
    });
  }

  /** The stream's current state, caught up with the store (for reads). */
  async read(streamId: string): Promise<StreamSnapshot<TState>> {
    return this.mutex.run(streamId, () => this.snapshot(streamId, true));
  }

  private replayOf(snapshot: StreamSnapshot<TState>, meta: CommandMeta, tag: string | null): CommandReply | undefined {
    if (meta.idempotencyKey === null || tag === null) return undefined;
    const key = meta.idempotencyKey;
    // An older event's reply is the actor's: whoever acts for it now may be its sender, and answering a
    // false 422 is better than recording the request twice.
    const seen = snapshot.replies.get(scopedReplyKey(tag, key)) ?? snapshot.replies.get(actorReplyKey(meta.actor, key));
    if (!seen) return undefined;
    if (seen.requestHash !== null && meta.requestHash !== null && seen.requestHash !== meta.requestHash) {
      throw new IdempotencyKeyReusedError(key);
    }
    return { ...seen.reply, replayed: true };
  }

  private envelope(event: NpoEventData, now: string, meta: CommandMeta, tag: string | null): NewEvent {
    return {
      id: this.options.newId(),
      type: event.type,
      schemaVersion: eventContracts[event.type].currentVersion,
      occurredAt: now,
      data: event.data,
      metadata: {
        correlationId: meta.correlationId,
        causationId: meta.causationId,
        actor: meta.actor,
        idempotencyKey: meta.idempotencyKey,
        requestHash: meta.requestHash,
        ...(tag === null ? {} : { keyScope: tag }),
      },
    };
  }

  /** Loads from the cache (catching up with the store when asked) or folds the whole stream. */
  private async snapshot(streamId: string, catchUp: boolean): Promise<StreamSnapshot<TState>> {
    const cached = this.cache.get(streamId);
    if (cached && !catchUp) return cached;
    const from = cached ?? this.emptySnapshot();
    const recorded = await this.store.readStream(streamId, { fromVersion: from.version + 1 });
    if (recorded.length === 0 && cached) return cached;
    const next = this.fold(from, recorded);
    this.remember(streamId, next);
    return next;
  }

  private emptySnapshot(): StreamSnapshot<TState> {
    return { state: this.decider.initialState(), version: -1, lastEventId: null, lastGlobalPosition: -1, replies: new Map() };
  }

  private fold(from: StreamSnapshot<TState>, recorded: readonly RecordedEvent[]): StreamSnapshot<TState> {
    let state = from.state;
    const replies = new Map(from.replies);
    const byRequest = new Map<string, RecordedEvent[]>();
    for (const e of recorded) {
      state = this.decider.evolve(state, currentVersionOf(e));
      const { idempotencyKey } = e.metadata;
      if (idempotencyKey !== null) {
        const k = replyKeyOf(e.metadata, idempotencyKey);
        byRequest.set(k, [...(byRequest.get(k) ?? []), e]);
      }
    }
    for (const [k, events] of byRequest) {
      const last = events[events.length - 1]!;
      replies.set(k, {
        requestHash: last.metadata.requestHash ?? null,
        reply: {
          created: true,
          replayed: false,
          eventIds: events.map((e) => e.id),
          streamVersion: last.streamPosition,
          globalPosition: last.globalPosition,
        },
      });
    }
    const last = recorded[recorded.length - 1];
    return {
      state,
      version: last ? last.streamPosition : from.version,
      lastEventId: last ? last.id : from.lastEventId,
      lastGlobalPosition: last ? last.globalPosition : from.lastGlobalPosition,
      replies,
    };
  }

  /** Folds the events just appended: the decider's own output, already of the current version. */
  private advance(
    from: StreamSnapshot<TState>,
    decided: readonly NpoEventData[],
    reply: CommandReply,
    meta: CommandMeta,
    tag: string | null,
  ): StreamSnapshot<TState> {
    let state = from.state;
    for (const e of decided) state = this.decider.evolve(state, e);
    // Extended in place, not copied: copying made every command cost O(idempotent commands so far in
    // the stream). Safe because the stream's mutex admits one command at a time and `from` (the cached
    // snapshot) is replaced by the result, so nobody reads the map as it was.
    const replies = from.replies as Map<string, { readonly requestHash: string | null; readonly reply: CommandReply }>;
    if (meta.idempotencyKey !== null && tag !== null) {
      replies.set(scopedReplyKey(tag, meta.idempotencyKey), { requestHash: meta.requestHash, reply });
    }
    return {
      state,
      version: reply.streamVersion,
      lastEventId: reply.eventIds[reply.eventIds.length - 1] ?? from.lastEventId,
      lastGlobalPosition: reply.globalPosition,
      replies,
    };
  }

  private remember(streamId: string, snapshot: StreamSnapshot<TState>): void {
    this.cache.delete(streamId);
    this.cache.set(streamId, snapshot);
    if (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
