import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MessagingStateError } from '../errors.js';
import type { BatchHandler, ConsumerOptions, MessageConsumer } from '../port/consumer.js';
import type { TopicPartitions } from '../port/message.js';
import type { KafkaConnection } from '../port/messaging.js';
import { unpackBatch } from './batch-transfer.js';
import { carryError, type ConsumerThreadInit, type FromConsumerThread, revive, type ToConsumerThread } from './thread-protocol.js';

/** The worker entry next to this file in a build, or the library's build output when running from its sources (tests). */
function threadEntry(): URL {
  for (const candidate of [new URL('./consumer-thread.js', import.meta.url), new URL('../../dist/threaded/consumer-thread.js', import.meta.url)]) {
    if (existsSync(fileURLToPath(candidate))) return candidate;
  }
  throw new MessagingStateError('the consumer thread entry (dist/threaded/consumer-thread.js) is missing: build @npo/messaging first');
}

/** A stop that the thread does not finish within this is ended by terminating it. */
const STOP_GRACE_MS = 30_000;

/**
 * A MessageConsumer whose kafkajs client lives in a worker thread (see ConsumerOptions.offThread). The
 * group membership, fetching, decoding and heartbeats run there; each batch is posted here, handed to
 * the handler, and the thread fetches on only once the handler settled, exactly as the in-thread
 * consumer does. The offset store and the callbacks are called here, on their owner's thread.
 */
export class ThreadedConsumer implements MessageConsumer {
  private worker: Worker | undefined;
  private assigned: readonly TopicPartitions[] = [];
  private readonly stale = new Set<number>();
  /** Batches the handler has and has not settled yet. */
  private readonly inHand = new Set<number>();
  private readonly heartbeats = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextHeartbeat = 1;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: ConsumerOptions,
  ) {}

  async start(handler: BatchHandler): Promise<void> {
    if (this.worker) throw new MessagingStateError(`consumer of group ${this.options.groupId} already started`);
    const { logger, ...connection } = this.connection;
    const { offsets, onAssigned: _onAssigned, onError: _onError, offThread: _offThread, ...options } = this.options;
    const init: ConsumerThreadInit = {
      connection: { ...connection, forwardLogs: logger !== undefined },
      options: { ...options, offsets: offsets.kind === 'kafka' ? offsets : { kind: 'external', ...(offsets.commitToKafka === undefined ? {} : { commitToKafka: offsets.commitToKafka }) } },
    };
    const worker = new Worker(threadEntry(), { workerData: init });
    this.worker = worker;
    this.stopping = undefined;
    const send = (message: ToConsumerThread): void => worker.postMessage(message);
    let settleStart: { resolve: () => void; reject: (error: Error) => void } | undefined;
    const started = new Promise<void>((resolve, reject) => (settleStart = { resolve, reject }));

    worker.on('message', (message: FromConsumerThread) => {
      switch (message.kind) {
        case 'started':
          running = true;
          settleStart?.resolve();
          return;
        case 'start-failed':
          settleStart?.reject(revive(message.error));
          void worker.terminate();
          return;
        case 'batch': {
          const { id } = message;
          const context = {
            heartbeat: () =>
              new Promise<void>((resolve, reject) => {
                const request = this.nextHeartbeat++;
                this.heartbeats.set(request, { resolve, reject });
                send({ kind: 'heartbeat', id: request, batch: id });
              }),
            isStale: () => this.stale.has(id) || this.stopping !== undefined,
          };
          let handled: Promise<void>;
          try {
            handled = handler(unpackBatch(message.batch), context);
          } catch (error) {
            handled = Promise.reject(error);
          }
          this.inHand.add(id);
          handled
            .then(
              () => send({ kind: 'batch-done', id }),
              (error: unknown) => send({ kind: 'batch-done', id, error: carryError(error) }),
            )
            .finally(() => {
              this.inHand.delete(id);
              this.stale.delete(id);
            });
          return;
        }
        case 'stale':
          // Only for a batch still in hand: one answered already would stay in the set for good.
          if (this.inHand.has(message.id)) this.stale.add(message.id);
          return;
        case 'offsets': {
          const { id } = message;
          if (offsets.kind !== 'external') {
            send({ kind: 'offsets-reply', id, error: carryError(new MessagingStateError('offsets asked of a consumer with Kafka offsets')) });
            return;
          }
          offsets.store.committedOffsets(message.topic, message.partitions).then(
            (map) => send({ kind: 'offsets-reply', id, offsets: [...map] }),
            (error: unknown) => send({ kind: 'offsets-reply', id, error: carryError(error) }),
          );
          return;
        }
        case 'heartbeat-done': {
          const waiting = this.heartbeats.get(message.id);
          this.heartbeats.delete(message.id);
          if (message.error === undefined) waiting?.resolve();
          else waiting?.reject(revive(message.error));
          return;
        }
        case 'assigned':
          this.assigned = message.assignment;
          this.options.onAssigned?.(message.assignment);
          return;
        case 'error':
          this.options.onError?.(revive(message.error), message.restarting);
          return;
        case 'log':
          logger?.(message.level, message.message, message.fields);
          return;
        case 'stopped':
          // Everything of the client is closed; a timer or socket the library left behind must not keep the thread.
          void worker.terminate();
          return;
        default: {
          const unexpected: never = message;
          throw new Error(`unknown message from the consumer thread: ${JSON.stringify(unexpected)}`);
        }
      }
    });
    let running = false;
    let reported = false;
    worker.on('error', (error) => {
      // An exception the thread did not catch ends it: the consumer is gone.
      settleStart?.reject(error);
      if (this.worker === worker && this.stopping === undefined) {
        reported = true;
        this.options.onError?.(error, false);
      }
    });
    worker.on('exit', (code) => {
      const gone = new MessagingStateError(`the consumer thread of group ${this.options.groupId} exited (code ${code})`);
      settleStart?.reject(gone);
      for (const waiting of this.heartbeats.values()) waiting.reject(gone);
      this.heartbeats.clear();
      if (this.worker === worker) {
        this.worker = undefined;
        this.assigned = [];
        if (running && this.stopping === undefined && !reported) this.options.onError?.(gone, false);
      }
    });

    try {
      await started;
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  stop(): Promise<void> {
    const worker = this.worker;
    if (worker === undefined) return this.stopping ?? Promise.resolve();
    this.stopping ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ kind: 'stop' } satisfies ToConsumerThread);
    });
    return this.stopping;
  }

  assignment(): readonly TopicPartitions[] {
    return this.assigned;
  }
}
