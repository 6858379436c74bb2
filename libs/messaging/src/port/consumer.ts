import type { ReceivedMessage, TopicPartitions } from './message.js';

/**
 * Offsets kept by the application next to its own data (e.g. in DuckDB, in the same transaction as the
 * facts derived from the messages). It is the only truth on where to resume: on every assignment —
 * start, rebalance, restart after a crash — the consumer asks for it and seeks there.
 */
export interface ExternalOffsetStore {
  /**
   * The next offset to read for each of `partitions`, i.e. the `nextOffset` stored with the last batch
   * handled. Partitions without an entry start at the beginning of the log.
   */
  committedOffsets(topic: string, partitions: readonly number[]): Promise<ReadonlyMap<number, bigint>>;
}

export type OffsetSource =
  /** Offsets committed to Kafka after each handled batch: at-least-once. */
  | { readonly kind: 'kafka'; readonly fromBeginning?: boolean }
  /**
   * Offsets stored by the handler with its effects: neither lost nor processed twice. `commitToKafka`
   * (default true) also commits them to Kafka as a hint that saves a fetch after a rebalance and lets
   * Kafka tooling show the group's lag; the store still decides.
   */
  | { readonly kind: 'external'; readonly store: ExternalOffsetStore; readonly commitToKafka?: boolean };

/** Consecutive messages of one partition. */
export interface ReceivedBatch {
  readonly topic: string;
  readonly partition: number;
  /** Non-empty, ascending offsets. */
  readonly messages: readonly ReceivedMessage[];
  /**
   * The position this batch continues from (external offsets: the value the store returned, or the
   * log start). A handler can compare-and-set on it so a consumer that lost its partition mid-batch
   * cannot overwrite the new owner's progress.
   */
  readonly fromOffset: bigint;
  /** Store this with the batch's effects: the next offset to read on this partition. */
  readonly nextOffset: bigint;
  /** Offset after the last message in the partition when fetched: `highWatermark - nextOffset` is the lag. */
  readonly highWatermark: bigint;
}

export interface BatchContext {
  /** Keeps the group membership alive during long handling; may throw when a rebalance has started. */
  heartbeat(): Promise<void>;
  /** True once this partition was sought elsewhere or the consumer is stopping: finish quickly. */
  isStale(): boolean;
}

/**
 * Handles one batch. Resolving lets the consumer fetch on from `nextOffset` (and commit it to Kafka, a
 * hint for lag tooling). With Kafka offsets that must mean the effects are durable. With external offsets
 * the handler may resolve earlier, as long as the store's `committedOffsets` answers only with what is
 * durable (waiting for a write under way): every assignment seeks there, so what was fetched ahead and
 * not stored is read again. Throwing makes the consumer deliver the same messages again.
 */
export type BatchHandler = (batch: ReceivedBatch, context: BatchContext) => Promise<void>;

export interface ConsumerOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly offsets: OffsetSource;
  /** Default 30000. A handler must finish (or heartbeat) within it. */
  readonly sessionTimeoutMs?: number;
  /** Default 3000. */
  readonly heartbeatIntervalMs?: number;
  /** Longest time a fetch waits for new messages. Default 1000. */
  readonly maxWaitMs?: number;
  /** Default 1 MiB. */
  readonly maxBytesPerPartition?: number;
  /** Batches of different partitions handled at once. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Fetch and decode in a worker thread of its own (default false). The handler, the offset store and the
   * callbacks still run on the caller's thread; batches cross as one transferred buffer. For a consumer
   * whose handler keeps its own thread busy (a projector): fetching and the client's decoding, a third of
   * that thread's time, then run beside it.
   */
  readonly offThread?: boolean;
  /** After each (re)assignment, once the external offsets are loaded and sought. */
  readonly onAssigned?: (assignment: readonly TopicPartitions[]) => void;
  /** A failure the consumer recovers from by rejoining (`restarting`), or one that stopped it. */
  readonly onError?: (error: Error, restarting: boolean) => void;
}

export interface MessageConsumer {
  /** Connects, joins the group and starts delivering batches; resolves once running. */
  start(handler: BatchHandler): Promise<void>;
  /** Finishes the batch in hand, leaves the group and disconnects. */
  stop(): Promise<void>;
  /** The partitions assigned to this member now. */
  assignment(): readonly TopicPartitions[];
}
