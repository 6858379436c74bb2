import type { Admin, Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { planBatch } from '../batch-plan.js';
import { MessagingError, MessagingStateError, StoredOffsetOutOfRangeError } from '../errors.js';
import type { BatchHandler, ConsumerOptions, ExternalOffsetStore, MessageConsumer, ReceivedBatch } from '../port/consumer.js';
import type { ReceivedMessage, TopicPartitions } from '../port/message.js';
import { headersFromKafka } from './headers.js';

interface Position {
  expected: bigint;
  /** A batch starting at `expected` was seen since the assignment. */
  confirmed: boolean;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * kafkajs group consumer. With external offsets it loads the stored positions on every assignment,
 * seeks there, and checks each batch against them, so a fetch that started from Kafka's own committed
 * offset (which the store may contradict) is never handed to the handler.
 */
export class KafkajsConsumer implements MessageConsumer {
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private assigned: readonly TopicPartitions[] = [];
  private generation = 0;
  private positions = new Map<string, Position>();
  private loading: Promise<void> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerOptions,
  ) {}

  async start(handler: BatchHandler): Promise<void> {
    if (this.consumer) throw new MessagingStateError(`consumer of group ${this.options.groupId} already started`);
    const { offsets } = this.options;
    const external = offsets.kind === 'external' ? offsets : undefined;
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3000,
      maxWaitTimeInMs: this.options.maxWaitMs ?? 1000,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1024 * 1024,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => this.onAssignment(event.payload.memberAssignment, external?.store));
    consumer.on(consumer.events.CRASH, (event) => {
      // kafkajs wraps the failure; report ours (e.g. StoredOffsetOutOfRangeError) where there is one.
      const ours = causes(event.payload.error).find((c): c is MessagingError => c instanceof MessagingError);
      this.options.onError?.(ours ?? event.payload.error, event.payload.restart);
    });
    try {
      if (external) {
        this.admin = this.kafka.admin();
        await this.admin.connect();
      }
      await consumer.connect();
      await consumer.subscribe({ topics: [...this.options.topics], fromBeginning: external ? true : (offsets.kind === 'kafka' && offsets.fromBeginning) || false });
      await consumer.run({
        autoCommit: external ? (external.commitToKafka ?? true) : true,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => (external ? this.eachBatchExternal(payload, handler) : this.eachBatchKafka(payload, handler)),
      });
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  async stop(): Promise<void> {
    const { consumer, admin } = this;
    this.consumer = undefined;
    this.admin = undefined;
    this.assigned = [];
    this.positions = new Map();
    this.generation++;
    await consumer?.disconnect();
    await admin?.disconnect();
  }

  assignment(): readonly TopicPartitions[] {
    return this.assigned;
  }

  private onAssignment(memberAssignment: Record<string, number[]>, store: ExternalOffsetStore | undefined): void {
    const generation = ++this.generation;
    this.assigned = Object.entries(memberAssignment)
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .filter((tp) => tp.partitions.length > 0);
    this.positions = new Map();
    if (!store) {
      this.options.onAssigned?.(this.assigned);
      return;
    }
    const assigned = this.assigned;
    this.loading = this.loadPositions(assigned, store, generation);
    // eachBatch awaits `loading` and surfaces a failure there; this only keeps it from being unhandled.
    this.loading.then(
      () => {
        if (generation === this.generation) this.options.onAssigned?.(assigned);
      },
      () => undefined,
    );
  }

  private async loadPositions(assigned: readonly TopicPartitions[], store: ExternalOffsetStore, generation: number): Promise<void> {
    const admin = this.admin;
    const consumer = this.consumer;
    if (!admin || !consumer) return;
    const positions = new Map<string, Position>();
    for (const { topic, partitions } of assigned) {
      const [stored, watermarks] = await Promise.all([store.committedOffsets(topic, partitions), admin.fetchTopicOffsets(topic)]);
      for (const partition of partitions) {
        const w = watermarks.find((o) => o.partition === partition);
        if (!w) throw new MessagingStateError(`no watermarks for ${topic}[${partition}]`);
        const low = BigInt(w.low);
        const high = BigInt(w.high);
        const expected = stored.get(partition) ?? low;
        if (expected < low || expected > high) throw new StoredOffsetOutOfRangeError(topic, partition, expected, low, high);
        positions.set(key(topic, partition), { expected, confirmed: false });
      }
    }
    if (generation !== this.generation) return;
    this.positions = positions;
    for (const { topic, partitions } of assigned) {
      for (const partition of partitions) {
        const p = positions.get(key(topic, partition));
        if (p) consumer.seek({ topic, partition, offset: p.expected.toString() });
      }
    }
  }

  private async eachBatchKafka(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    const nextOffset = BigInt(batch.lastOffset()) + 1n;
    await handler(toReceivedBatch(batch, batch.messages, fetchedOffsetOf(batch), nextOffset), context(payload));
    payload.resolveOffset(batch.lastOffset());
  }

  private async eachBatchExternal(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    const generation = this.generation;
    try {
      await this.loading;
    } catch (e) {
      // Retrying or restarting cannot help when the store and the log disagree: stop the consumer.
      if (e instanceof StoredOffsetOutOfRangeError) throw new NotRetriable(e);
      throw e;
    }
    if (generation !== this.generation) return; // reassigned meanwhile: the client fetches again
    const position = this.positions.get(key(batch.topic, batch.partition));
    if (!position) return; // not (or no longer) ours

    const plan = planBatch(
      position.expected,
      position.confirmed,
      fetchedOffsetOf(batch),
      batch.messages.map((m) => BigInt(m.offset)),
    );
    switch (plan.kind) {
      case 'seek':
        this.consumer?.seek({ topic: batch.topic, partition: batch.partition, offset: plan.offset.toString() });
        return;
      case 'skip':
        position.confirmed = true;
        payload.resolveOffset(batch.lastOffset());
        return;
      case 'handle': {
        const nextOffset = BigInt(batch.lastOffset()) + 1n;
        await handler(toReceivedBatch(batch, batch.messages.slice(plan.skip), plan.fromOffset, nextOffset), context(payload));
        if (generation === this.generation) {
          position.expected = nextOffset;
          position.confirmed = true;
        }
        payload.resolveOffset(batch.lastOffset());
        return;
      }
      default: {
        const unreachable: never = plan;
        throw new Error(`unknown plan ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

/** kafkajs neither retries nor restarts after an error marked `retriable: false`. */
class NotRetriable extends Error {
  readonly retriable = false;
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'NotRetriable';
  }
}

function causes(e: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let c: unknown = e; c !== undefined && c !== null && chain.length < 10; c = (c as { cause?: unknown }).cause) chain.push(c);
  return chain;
}

function fetchedOffsetOf(batch: Batch): bigint {
  // Not in kafkajs' typings, but set on every batch: the offset this fetch asked for.
  const fetched = (batch as Batch & { fetchedOffset?: string }).fetchedOffset;
  if (fetched === undefined) throw new MessagingStateError('kafkajs batch without fetchedOffset: the adapter needs updating');
  return BigInt(fetched);
}

function context(payload: EachBatchPayload) {
  return { heartbeat: () => payload.heartbeat(), isStale: () => payload.isStale() || !payload.isRunning() };
}

function toReceivedBatch(batch: Batch, messages: readonly KafkaMessage[], fromOffset: bigint, nextOffset: bigint): ReceivedBatch {
  return {
    topic: batch.topic,
    partition: batch.partition,
    messages: messages.map((m) => toReceivedMessage(batch.topic, batch.partition, m)),
    fromOffset,
    nextOffset,
    highWatermark: BigInt(batch.highWatermark),
  };
}

function toReceivedMessage(topic: string, partition: number, m: KafkaMessage): ReceivedMessage {
  return {
    topic,
    partition,
    offset: BigInt(m.offset),
    key: m.key ?? null,
    value: m.value ?? null,
    headers: headersFromKafka(m.headers),
    timestamp: Number(m.timestamp),
  };
}
