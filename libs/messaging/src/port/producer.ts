import type { OutgoingMessage } from './message.js';

export interface ProducerOptions {
  /**
   * Idempotent delivery (default true): the broker drops a retried batch it already wrote, so a lost
   * acknowledgement never duplicates a message. Requires one request in flight, which the adapter keeps.
   */
  readonly idempotent?: boolean;
  /** Upper bound on the encoded size of one produce request; larger sends are split, in order. Default 512 KiB. */
  readonly maxBatchBytes?: number;
  readonly compression?: 'none' | 'gzip';
}

/** Where the first message of one partition's share of a send was written. */
export interface DeliveredPartition {
  readonly topic: string;
  readonly partition: number;
  readonly baseOffset: bigint;
}

export interface MessageProducer {
  connect(): Promise<void>;
  /**
   * Resolves once every message is acknowledged by all in-sync replicas (acks=all); rejects otherwise,
   * after the client's retries. Concurrent calls are queued and sent one after the other, in call order,
   * so messages with one key are stored in the order they were passed.
   */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<readonly DeliveredPartition[]>;
  disconnect(): Promise<void>;
}
