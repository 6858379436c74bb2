// Entry of the consumer's worker thread (see ThreadedConsumer): the kafkajs consumer runs here, each
// batch is handed to the caller's thread and this side waits for its answer before fetching on.
import { parentPort, workerData } from 'node:worker_threads';
import { createKafka } from '../kafkajs/client.js';
import { KafkajsConsumer } from '../kafkajs/consumer.js';
import type { BatchContext, ConsumerOptions, ReceivedBatch } from '../port/consumer.js';
import type { MessagingLogger } from '../port/messaging.js';
import { packBatch } from './batch-transfer.js';
import { type CarriedError, type ConsumerThreadInit, carryError, type FromConsumerThread, revive, type ToConsumerThread } from './thread-protocol.js';

const port = parentPort;
if (port === null) throw new Error('consumer-thread.js is a worker thread entry, not a program');
const { connection, options } = workerData as ConsumerThreadInit;

/** How often a batch out on the caller's side is checked for having gone stale. */
const STALE_POLL_MS = 100;

const post = (message: FromConsumerThread, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

interface Waiting<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
}
let nextId = 1;
const batches = new Map<number, Waiting<void> & { readonly context: BatchContext }>();
const offsetRequests = new Map<number, Waiting<ReadonlyMap<number, bigint>>>();

const logger: MessagingLogger = (level, message, fields) => {
  try {
    post({ kind: 'log', level, message, fields });
  } catch {
    // A field structured cloning cannot carry (a function, a socket): the line as text instead.
    post({ kind: 'log', level, message, fields: { fields: safeText(fields) } });
  }
};
const kafka = createKafka({ ...connection, ...(connection.forwardLogs ? { logger } : {}) });

const consumerOptions: ConsumerOptions = {
  ...options,
  offsets:
    options.offsets.kind === 'kafka'
      ? options.offsets
      : {
          ...options.offsets,
          store: {
            committedOffsets: (topic, partitions) =>
              new Promise((resolve, reject) => {
                const id = nextId++;
                offsetRequests.set(id, { resolve, reject });
                post({ kind: 'offsets', id, topic, partitions: [...partitions] });
              }),
          },
        },
  onAssigned: (assignment) => post({ kind: 'assigned', assignment }),
  onError: (error, restarting) => post({ kind: 'error', error: carryError(error), restarting }),
};
const consumer = new KafkajsConsumer(kafka, consumerOptions);

function handle(batch: ReceivedBatch, context: BatchContext): Promise<void> {
  const id = nextId++;
  const { packed, transfer } = packBatch(batch);
  let stale = false;
  const poll = setInterval(() => {
    if (stale || !context.isStale()) return;
    stale = true;
    post({ kind: 'stale', id });
  }, STALE_POLL_MS);
  return new Promise<void>((resolve, reject) => {
    batches.set(id, { resolve, reject, context });
    post({ kind: 'batch', id, batch: packed }, transfer);
  }).finally(() => {
    clearInterval(poll);
    batches.delete(id);
  });
}

const settle = <T>(waiting: Waiting<T> | undefined, value: T, error: CarriedError | undefined): void => {
  if (waiting === undefined) return;
  if (error === undefined) waiting.resolve(value);
  else waiting.reject(revive(error));
};

port.on('message', (message: ToConsumerThread) => {
  switch (message.kind) {
    case 'batch-done':
      settle(batches.get(message.id), undefined, message.error);
      return;
    case 'offsets-reply': {
      const waiting = offsetRequests.get(message.id);
      offsetRequests.delete(message.id);
      settle(waiting, new Map(message.offsets ?? []), message.error);
      return;
    }
    case 'heartbeat': {
      const batch = batches.get(message.batch);
      if (batch === undefined) {
        post({ kind: 'heartbeat-done', id: message.id });
        return;
      }
      batch.context.heartbeat().then(
        () => post({ kind: 'heartbeat-done', id: message.id }),
        (error: unknown) => post({ kind: 'heartbeat-done', id: message.id, error: carryError(error) }),
      );
      return;
    }
    case 'stop':
      void consumer.stop().finally(() => {
        post({ kind: 'stopped' });
        port.close();
      });
      return;
    default: {
      const unexpected: never = message;
      throw new Error(`unknown message to the consumer thread: ${JSON.stringify(unexpected)}`);
    }
  }
});

consumer.start(handle).then(
  () => post({ kind: 'started' }),
  (error: unknown) => {
    post({ kind: 'start-failed', error: carryError(error) });
    port.close();
  },
);

function safeText(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
}
