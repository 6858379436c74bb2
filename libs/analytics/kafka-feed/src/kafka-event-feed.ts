import { type Checkpoint, DEFAULT_PROJECTOR_BATCH, type EventFeed, type FeedBatch, type FeedSubscribeOptions } from '@npo/analytics-model';
import type { BatchContext, Messaging, ReceivedBatch, TopicPartitions } from '@npo/messaging';
import { BatchBridge } from './batch-bridge.js';
import { toFeedEntry } from './message-entry.js';

export const DEFAULT_EVENTS_TOPIC = 'npo.events.v1';
export const DEFAULT_ANALYTICS_GROUP = 'npo-analytics';

export interface KafkaEventFeedOptions {
  readonly messaging: Messaging;
  /** Default `npo.events.v1`, the relay's topic. */
  readonly topic?: string;
  /**
   * Consumer group. Every member applies what it is assigned to its own DuckDB checkpoint, so one
   * analytics database is fed by one member; two members of a group split the partitions between
   * them (each database then holds part of the history until the other leaves). Default `npo-analytics`.
   */
  readonly groupId?: string;
  /** Default 30000: a batch (plus its DuckDB commit) must finish within it, heartbeats are sent meanwhile. */
  readonly sessionTimeoutMs?: number;
  /** Default 3000. */
  readonly heartbeatIntervalMs?: number;
  /** Longest wait of a fetch for new messages. Default 250 ms (end-to-end latency). */
  readonly maxWaitMs?: number;
  /** Bytes fetched per partition per request. Default 4 MiB: fewer, larger DuckDB transactions. */
  readonly maxBytesPerPartition?: number;
  /** Partitions whose batches are handed over at once (merged into one transaction). Default 3. */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Fetch and decode in a thread of the messaging library's own (default true), beside the projector's
   * thread instead of on it, heartbeats included. On 2 cores shared with the broker it gained 5-10%
   * (200,000 bench envelopes, interleaved runs): CPU, not the thread, is what runs out there.
   */
  readonly offThread?: boolean;
  readonly onAssigned?: (assignment: readonly TopicPartitions[]) => void;
  /** A consumer failure; `restarting` false means the feed ends with it (the projector restarts it). */
  readonly onError?: (error: Error, restarting: boolean) => void;
}

/**
 * The projector's feed in full mode (`NPO_FEED=kafka`): the relay's topic through a consumer group.
 * Offsets are external: the projector's DuckDB checkpoint (partition -> offset of the last applied
 * message, written in the batch's transaction) is the only truth; on every assignment the consumer
 * seeks to it, so restarts and rebalances neither lose nor repeat. Events the relay published twice
 * (it is at least once) arrive under new offsets and are dropped by the projector by event id (a
 * different event at an applied stream position is quarantined, see applied-ids in the model).
 */
export function kafkaEventFeed(options: KafkaEventFeedOptions): EventFeed {
  const topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
  const messaging = options.messaging;
  return {
    name: `kafka:${topic}`,
    trusted: false,
    subscribe: (from: Checkpoint, subscribeOptions: FeedSubscribeOptions = {}): AsyncIterable<FeedBatch> => ({
      [Symbol.asyncIterator]: () => follow(options, topic, from, subscribeOptions),
    }),
    async head(): Promise<Checkpoint> {
      const admin = messaging.admin();
      await admin.connect();
      try {
        const offsets = await admin.partitionOffsets(topic);
        return new Map(offsets.map((o) => [o.partition, Number(o.high) - 1]));
      } finally {
        await admin.disconnect();
      }
    },
  };
}

async function* follow(options: KafkaEventFeedOptions, topic: string, from: Checkpoint, subscribe: FeedSubscribeOptions): AsyncGenerator<FeedBatch, void, undefined> {
  const bridge = new BatchBridge(from);
  const heartbeatMs = options.heartbeatIntervalMs ?? 3_000;
  const consumer = options.messaging.consumer({
    groupId: options.groupId ?? DEFAULT_ANALYTICS_GROUP,
    topics: [topic],
    offsets: { kind: 'external', store: { committedOffsets: (_topic, partitions) => bridge.nextOffsets(partitions) } },
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs: heartbeatMs,
    maxWaitMs: options.maxWaitMs ?? 250,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    offThread: options.offThread ?? true,
    ...(options.onAssigned ? { onAssigned: options.onAssigned } : {}),
    onError: (error, restarting) => {
      options.onError?.(error, restarting);
      if (!restarting) bridge.fail(error);
    },
  });
  const handle = async (batch: ReceivedBatch, context: BatchContext): Promise<void> => {
    const committed = bridge.offer(batch.partition, batch.messages.map(toFeedEntry));
    // The projector may take a while (a large transaction, or a queue of other partitions' batches):
    // stay in the group meanwhile. A heartbeat refused because a rebalance started is not an error
    // here; the client rejoins once this handler returns.
    const heartbeats = setInterval(() => void context.heartbeat().catch(() => undefined), heartbeatMs);
    try {
      await committed;
    } finally {
      clearInterval(heartbeats);
    }
  };
  try {
    if (subscribe.signal?.aborted) return;
    await consumer.start(handle);
    const max = subscribe.maxBatchSize ?? DEFAULT_PROJECTOR_BATCH;
    for (;;) {
      const batch = await bridge.take(max, subscribe.signal);
      if (batch === undefined) return;
      yield batch;
      // The projector asks for the next batch only after committing this one.
      bridge.acknowledge();
    }
  } finally {
    bridge.close();
    await consumer.stop();
  }
}
