import type { EventStore, SerializedEvent } from '@npo/event-store';
import { encodeEnvelopeJson, PartitionedPublisher, type Messaging, type ProducerOptions } from '@npo/messaging';
import type { CheckpointFile } from '../checkpoint/checkpoint-file.js';
import type { RelayMetrics } from '../metrics/relay-metrics.js';

export type RelayLogLevel = 'info' | 'warn' | 'error';
export type RelayLog = (level: RelayLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

export interface EventRelayOptions {
  readonly store: EventStore;
  readonly messaging: Messaging;
  readonly topic: string;
  readonly checkpoint: CheckpointFile;
  /** Largest number of events per publish and checkpoint write. */
  readonly batchSize: number;
  readonly metrics?: RelayMetrics;
  readonly log?: RelayLog;
  /** First wait after a failure; doubles up to `maxRetryDelayMs`. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Default 10 s. */
  readonly maxRetryDelayMs?: number;
  readonly producer?: ProducerOptions;
  /**
   * Idempotent producers, each owning a fixed share of the topic's partitions (a key always maps to
   * one partition, so one school's events keep their order). Default 3, at most the partition count.
   */
  readonly producers?: number;
  /**
   * Pages handed to the producers before the oldest is acknowledged (the checkpoint still moves only
   * over acknowledged pages, in order). Default 3.
   */
  readonly pagesInFlight?: number;
}

export type RelayState = 'stopped' | 'connecting' | 'publishing' | 'retrying' | 'stopping';

/** Saving the checkpoint failed after Kafka acknowledged: the relay cannot promise anything any more. */
export class RelayCheckpointError extends Error {
  readonly code = 'RELAY_CHECKPOINT_WRITE_FAILED';
  constructor(cause: unknown) {
    super(`could not save the relay checkpoint: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RelayCheckpointError';
  }
}

/** Which of two promises settles first (rejections count as settling; they surface where awaited). */
const firstSettled = (first: Promise<unknown>, second: Promise<unknown>): Promise<'first' | 'second'> =>
  Promise.race([
    first.then(
      () => 'first' as const,
      () => 'first' as const,
    ),
    second.then(
      () => 'second' as const,
      () => 'second' as const,
    ),
  ]);

/** Default of `stop()`: how long a shutdown may wait for Kafka before giving up on the pages in flight. */
export const RELAY_STOP_TIMEOUT_MS = 15_000;

/** Whether `promise` settles (either way) within `ms`; it is not cancelled when it does not. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * The outbox relay: follows the store's global log from the checkpoint and publishes each page of
 * events to Kafka (key = stream id, so a school's events stay in order on one partition). Pages are
 * handed to the producers while earlier ones are still on the wire; the checkpoint is saved only
 * after Kafka acknowledged a page and every page before it, so a crash at any moment re-publishes at
 * most the pages in flight: delivery is at least once, and consumers drop repeats by event id. After
 * a failed publish the producers are replaced and publishing resumes after the checkpoint.
 */
export class EventRelay {
  #position: number | undefined;
  #state: RelayState = 'stopped';
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #publisher: PartitionedPublisher | undefined;
  #lastError: string | null = null;
  #fatal: unknown;
  readonly #waiters: { position: number; resolve: () => void }[] = [];
  readonly #log: RelayLog;

  constructor(private readonly options: EventRelayOptions) {
    this.#log = options.log ?? (() => undefined);
  }

  get state(): RelayState {
    return this.#state;
  }

  /** globalPosition of the last event Kafka acknowledged; undefined before the checkpoint was read. */
  get position(): number | undefined {
    return this.#position;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  /** Connected and publishing (or waiting for new events) without a pending failure. */
  get ready(): boolean {
    return this.#state === 'publishing' && this.#publisher !== undefined;
  }

  /** Starts following the log; resolves once the checkpoint is read. A broken checkpoint file rejects. */
  async start(): Promise<void> {
    if (this.#loop !== undefined) return;
    this.#stop = new AbortController();
    this.#position = await this.options.checkpoint.load();
    this.options.metrics?.checkpointed(this.#position);
    this.#state = 'connecting';
    this.#loop = this.#run(this.#position).catch((error: unknown) => {
      this.#fatal = error;
      this.#log('error', 'relay stopped on an unrecoverable error', { err: error });
      throw error;
    });
    this.#loop.catch(() => undefined);
  }

  /** Resolves when the loop ends on its own (only on an unrecoverable error, which it rejects with). */
  async done(): Promise<void> {
    await this.#loop;
  }

  /**
   * Lets the page in flight finish (publish and checkpoint), then disconnects, all within `timeoutMs`.
   * When Kafka does not answer in time it returns 'timed-out' anyway, abandoning the sends still
   * queued: the checkpoint only ever names acknowledged pages, so nothing is lost, the abandoned pages
   * are published again on the next start.
   */
  async stop(timeoutMs = RELAY_STOP_TIMEOUT_MS): Promise<'drained' | 'timed-out'> {
    if (this.#loop === undefined) return 'drained';
    const deadline = performance.now() + timeoutMs;
    this.#state = 'stopping';
    this.#stop.abort();
    const drained = await settlesWithin(this.#loop, timeoutMs);
    const publisher = this.#publisher;
    this.#publisher = undefined;
    // close() waits for every queued send, and the client keeps retrying those while Kafka is down
    // (half a minute and more): past the deadline they are left to fail in the background.
    if (publisher !== undefined) await settlesWithin(publisher.close(), Math.max(0, deadline - performance.now()));
    this.#state = 'stopped';
    this.#loop = undefined;
    return drained ? 'drained' : 'timed-out';
  }

  /** Resolves once Kafka acknowledged everything up to `globalPosition` (tests, start-up checks). */
  reached(globalPosition: number): Promise<void> {
    if ((this.#position ?? -1) >= globalPosition) return Promise.resolve();
    if (this.#fatal !== undefined) return Promise.reject(this.#fatal instanceof Error ? this.#fatal : new Error(String(this.#fatal)));
    return new Promise((resolve) => this.#waiters.push({ position: globalPosition, resolve }));
  }

  async #run(start: number): Promise<void> {
    const signal = this.#stop.signal;
    const initialDelay = this.options.retryDelayMs ?? 500;
    const maxDelay = this.options.maxRetryDelayMs ?? 10_000;
    const window = Math.max(1, this.options.pagesInFlight ?? 3);
    let delay = initialDelay;
    let position = start;
    while (!signal.aborted) {
      let stage: 'connect' | 'publish' | 'read' = 'connect';
      // Pages handed to the producers, oldest first; each is checkpointed once it and all before it are acknowledged.
      const inFlight: { readonly last: number; readonly acked: Promise<void> }[] = [];
      try {
        const publisher = await this.#connectedPublisher(signal);
        if (publisher === undefined) break;
        this.#set('publishing');
        const checkpointOldest = async (): Promise<void> => {
          const oldest = inFlight[0]!;
          stage = 'publish';
          await oldest.acked;
          inFlight.shift();
          try {
            await this.options.checkpoint.save(oldest.last);
          } catch (error) {
            throw new RelayCheckpointError(error);
          }
          position = oldest.last;
          this.#advanced(oldest.last);
          this.#lastError = null;
          this.#set('publishing');
          delay = initialDelay;
        };
        stage = 'read';
        const pages = this.options.store.subscribeToAllSerialized({ after: position, maxBatchSize: this.options.batchSize, signal })[Symbol.asyncIterator]();
        try {
          let next = pages.next();
          next.catch(() => undefined); // surfaced when awaited; not unhandled if a send fails first
          for (;;) {
            // The oldest page's acknowledgement is handled as soon as it comes, even while the next
            // read waits for new appends (live mode), so the checkpoint never lags behind Kafka.
            if (inFlight.length >= window || (inFlight.length > 0 && (await firstSettled(inFlight[0]!.acked, next)) === 'first')) {
              await checkpointOldest();
              continue;
            }
            stage = 'read';
            const read = await next;
            if (read.done === true) break;
            const page = read.value;
            stage = 'publish';
            const acked = this.#publish(publisher, page);
            acked.catch(() => undefined); // awaited in order by checkpointOldest
            inFlight.push({ last: page.at(-1)!.globalPosition, acked });
            next = pages.next();
            next.catch(() => undefined);
          }
          // Stopping: the pages already handed over are finished (acknowledged and checkpointed).
          while (inFlight.length > 0) await checkpointOldest();
        } finally {
          // Not awaited: a read-ahead may be waiting for the next append; the subscription ends then.
          void pages.return?.(undefined).catch(() => undefined);
        }
      } catch (error) {
        if (error instanceof RelayCheckpointError) throw error;
        this.#lastError = error instanceof Error ? error.message : String(error);
        this.options.metrics?.failed(stage);
        this.#log('warn', `relay ${stage} failed; retrying`, { err: error, retryInMs: delay, position });
        // A failed send may leave an idempotent producer's sequence numbers out of step with the
        // broker: new producers (new producer ids) publish again after the checkpoint. The broken
        // publisher sends nothing more, and its requests still on the wire end before the new one
        // starts, so no partition gets a later event ahead of an earlier one.
        const broken = this.#publisher;
        this.#publisher = undefined;
        await broken?.close().catch(() => undefined);
        if (signal.aborted) break;
        this.#set('retrying');
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }

  /** Undefined when stopping: the connection came too late to be of use. */
  async #connectedPublisher(signal: AbortSignal): Promise<PartitionedPublisher | undefined> {
    if (this.#publisher !== undefined) return this.#publisher;
    this.#set('connecting');
    const partitions = await this.#partitionCount();
    const publisher = new PartitionedPublisher(this.options.messaging, {
      topic: this.options.topic,
      partitions,
      producers: this.options.producers ?? 3,
      ...(this.options.producer === undefined ? {} : { producer: this.options.producer }),
    });
    try {
      await publisher.connect();
    } catch (error) {
      await publisher.close().catch(() => undefined);
      throw error;
    }
    if (signal.aborted) {
      // stop() may have stopped waiting for this loop already, and would never close these producers.
      await publisher.close().catch(() => undefined);
      return undefined;
    }
    this.#publisher = publisher;
    return publisher;
  }

  /** The topic's partition count, which the keys are hashed onto (the topic is created before the relay starts). */
  async #partitionCount(): Promise<number> {
    const admin = this.options.messaging.admin();
    await admin.connect();
    try {
      const description = await admin.describeTopic(this.options.topic);
      if (description === undefined || description.partitions.length === 0) throw new Error(`topic ${this.options.topic} does not exist`);
      return description.partitions.length;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async #publish(publisher: PartitionedPublisher, page: readonly SerializedEvent[]): Promise<void> {
    const started = performance.now();
    // The store's JSON as the value: parsing the payloads and serializing the envelope again cost the relay ~20% of its thread.
    await publisher.publish(page.map((event) => encodeEnvelopeJson(event, event.json)));
    this.options.metrics?.published(page.length, (performance.now() - started) / 1000);
  }

  /** The loop reports progress; once stopping, stop() owns the state. */
  #set(state: Exclude<RelayState, 'stopping' | 'stopped'>): void {
    if (!this.#stop.signal.aborted) this.#state = state;
  }

  #advanced(position: number): void {
    this.#position = position;
    this.options.metrics?.checkpointed(position);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (position >= w.position) {
        this.#waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
