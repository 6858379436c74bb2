/** Headers are text in this project (ids, type names, numbers); binary header values are not used. */
export type MessageHeaders = Readonly<Record<string, string>>;

/** A message to publish. `key` picks the partition, so messages with one key keep their order. */
export interface OutgoingMessage {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer;
  readonly headers?: MessageHeaders;
  /** Overrides the key-based partition choice. */
  readonly partition?: number;
}

export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: MessageHeaders;
  /** Milliseconds since the epoch, as set by the producer (CreateTime). */
  readonly timestamp: number;
}

export interface TopicPartitions {
  readonly topic: string;
  readonly partitions: readonly number[];
}
