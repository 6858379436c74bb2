import type { RecordedEvent } from '@npo/contracts';
import type { EventStore } from '@npo/event-store';
import { encodeEnvelope, type MessageProducer, type Messaging, type ProducerOptions } from '@npo/messaging';
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
 * events to Kafka (key = stream id, so a school's events stay in order on one partition). The
 * checkpoint is saved only after Kafka acknowledged the whole page, so a crash at any moment
 * re-publishes at most the page in flight: delivery is at least once, and consumers drop repeats by
 * event id. After a failed publish the producer is replaced and the same page is sent again.
 */
export class EventRelay {
  #position: number | undefined;
  #state: RelayState = 'stopped';
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #producer: MessageProducer | undefined;
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
    return this.#state === 'publishing' && this.#producer !== undefined;
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
   * Lets the page in flight finish (publish and checkpoint), then disconnects. When that takes longer
   * than `timeoutMs` (Kafka unreachable), it returns anyway: the checkpoint still names the last
   * acknowledged page, so nothing is lost, the page is published again on the next start.
   */
  async stop(timeoutMs = 15_000): Promise<'drained' | 'timed-out'> {
    if (this.#loop === undefined) return 'drained';
    this.#state = 'stopping';
    this.#stop.abort();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.#loop.then(
        () => 'drained' as const,
        () => 'drained' as const,
      ),
      new Promise<'timed-out'>((resolve) => (timer = setTimeout(() => resolve('timed-out'), timeoutMs))),
    ]);
    clearTimeout(timer);
    const producer = this.#producer;
    this.#producer = undefined;
    await producer?.disconnect().catch(() => undefined);
    this.#state = 'stopped';
    this.#loop = undefined;
    return outcome;
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
    let delay = initialDelay;
    let position = start;
    while (!signal.aborted) {
      let stage: 'connect' | 'publish' | 'read' = 'connect';
      try {
        const producer = await this.#connectedProducer();
        this.#set('publishing');
        stage = 'read';
        const pages = this.options.store.subscribeToAll({ after: position, maxBatchSize: this.options.batchSize, signal })[Symbol.asyncIterator]();
        try {
          let next = pages.next();
          for (;;) {
            const read = await next;
            if (read.done === true) break;
            const page = read.value;
            stage = 'publish';
            const sent = this.#publish(producer, page);
            // Read (and parse) the next page while Kafka works on this one; it is only published,
            // and checkpointed, after this one was acknowledged. Reading waits a turn so that this
            // page's request is encoded and on the wire first.
            await new Promise((resolve) => setImmediate(resolve));
            next = pages.next();
            next.catch(() => undefined); // surfaced when awaited; not unhandled if the send fails first
            await sent;
            const last = page.at(-1)!.globalPosition;
            try {
              await this.options.checkpoint.save(last);
            } catch (error) {
              throw new RelayCheckpointError(error);
            }
            position = last;
            this.#advanced(last);
            this.#lastError = null;
            this.#set('publishing');
            delay = initialDelay;
            stage = 'read';
          }
        } finally {
          // Not awaited: a read-ahead may be waiting for the next append; the subscription ends then.
          void pages.return?.(undefined).catch(() => undefined);
        }
      } catch (error) {
        if (error instanceof RelayCheckpointError) throw error;
        this.#lastError = error instanceof Error ? error.message : String(error);
        this.options.metrics?.failed(stage);
        this.#log('warn', `relay ${stage} failed; retrying`, { err: error, retryInMs: delay, position });
        // A failed send may leave the idempotent producer's sequence numbers out of step with the
        // broker: a new producer (new producer id) sends the page again.
        const broken = this.#producer;
        this.#producer = undefined;
        void broken?.disconnect().catch(() => undefined);
        if (signal.aborted) break;
        this.#set('retrying');
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }

  async #connectedProducer(): Promise<MessageProducer> {
    if (this.#producer !== undefined) return this.#producer;
    this.#set('connecting');
    const producer = this.options.messaging.producer(this.options.producer);
    await producer.connect();
    this.#producer = producer;
    return producer;
  }

  async #publish(producer: MessageProducer, page: readonly RecordedEvent[]): Promise<void> {
    const started = performance.now();
    await producer.send(this.options.topic, page.map(encodeEnvelope));
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
