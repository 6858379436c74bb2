import { MessagingStateError, PublisherBrokenError } from '../errors.js';
import type { OutgoingMessage } from '../port/message.js';
import type { Messaging } from '../port/messaging.js';
import type { MessageProducer, ProducerOptions } from '../port/producer.js';
import { partitionForKey } from './murmur2.js';

export interface PartitionedPublisherOptions {
  readonly topic: string;
  /** The topic's partition count (keys are hashed onto it exactly as Kafka's default partitioner does). */
  readonly partitions: number;
  /** Idempotent producers; producer i owns the partitions p with p % producers === i. Default min(partitions, 4). */
  readonly producers?: number;
  readonly producer?: ProducerOptions;
}

interface Lane {
  readonly producer: MessageProducer;
  /** The lane's last queued send; the next one starts after it. */
  tail: Promise<unknown>;
}

/**
 * Several idempotent producers, each owning a fixed set of partitions, so that one producer's
 * acknowledgement round trip no longer bounds throughput (kafkajs' idempotent producer allows one
 * request in flight). A key always hashes to one partition and a partition to one producer whose
 * sends are queued in call order, so the messages of one key keep their order, and each partition
 * still has exactly one idempotent writer (no duplicates from client retries).
 *
 * A failed send breaks the publisher: every send queued after it on any lane rejects without being
 * sent, so a later message never lands on a partition ahead of an earlier one that did not. The caller
 * closes it and publishes again from the last acknowledged message with a new publisher.
 */
export class PartitionedPublisher {
  readonly #lanes: Lane[];
  readonly #topic: string;
  readonly #partitions: number;
  readonly #partitionOf = new Map<string, number>();
  #failure: unknown;
  #connected = false;

  constructor(messaging: Messaging, options: PartitionedPublisherOptions) {
    if (!Number.isInteger(options.partitions) || options.partitions < 1) throw new MessagingStateError(`partitions must be a whole number >= 1, got ${options.partitions}`);
    const producers = Math.min(options.partitions, options.producers ?? 4);
    if (!Number.isInteger(producers) || producers < 1) throw new MessagingStateError(`producers must be a whole number >= 1, got ${options.producers}`);
    this.#topic = options.topic;
    this.#partitions = options.partitions;
    this.#lanes = Array.from({ length: producers }, () => ({ producer: messaging.producer(options.producer), tail: Promise.resolve() }));
  }

  get producers(): number {
    return this.#lanes.length;
  }

  async connect(): Promise<void> {
    await Promise.all(this.#lanes.map((l) => l.producer.connect()));
    this.#connected = true;
  }

  /**
   * Queues the messages at once (each lane sends its share after its earlier sends) and resolves when
   * all of them are acknowledged (acks=all). Messages without a key go to partition 0.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (!this.#connected) return Promise.reject(new MessagingStateError('publish() before connect()'));
    if (this.#failure !== undefined) return Promise.reject(new PublisherBrokenError(this.#failure));
    const shares: OutgoingMessage[][] = this.#lanes.map(() => []);
    for (const m of messages) {
      const partition = this.#partition(m.key);
      shares[partition % shares.length]!.push(m.partition === partition ? m : { ...m, partition });
    }
    const sent = shares.map((share, i) => (share.length === 0 ? Promise.resolve() : this.#enqueue(this.#lanes[i]!, share)));
    return Promise.all(sent).then(() => undefined);
  }

  /** Waits for the sends already queued (failed or not), then disconnects every producer. */
  async close(): Promise<void> {
    this.#connected = false;
    await Promise.all(this.#lanes.map((l) => l.tail.catch(() => undefined)));
    await Promise.all(this.#lanes.map((l) => l.producer.disconnect().catch(() => undefined)));
  }

  #enqueue(lane: Lane, share: readonly OutgoingMessage[]): Promise<void> {
    const run = lane.tail.then(async () => {
      if (this.#failure !== undefined) throw new PublisherBrokenError(this.#failure);
      try {
        await lane.producer.send(this.#topic, share);
      } catch (error) {
        this.#failure ??= error;
        throw error;
      }
    });
    lane.tail = run.catch(() => undefined);
    return run;
  }

  #partition(key: string | Buffer | null): number {
    if (key === null) return 0;
    if (typeof key !== 'string') return partitionForKey(key, this.#partitions);
    let p = this.#partitionOf.get(key);
    if (p === undefined) {
      p = partitionForKey(key, this.#partitions);
      // Stream ids repeat (a school's events); bounded so an unbounded key space cannot grow it forever.
      if (this.#partitionOf.size >= 100_000) this.#partitionOf.clear();
      this.#partitionOf.set(key, p);
    }
    return p;
  }
}
