export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level configs, e.g. `{ 'retention.ms': '-1' }`. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface PartitionDescription {
  readonly partition: number;
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface TopicDescription {
  readonly topic: string;
  readonly partitions: readonly PartitionDescription[];
  /** Configs set on the topic itself (not broker defaults). */
  readonly config: Readonly<Record<string, string>>;
}

/** Log start (`low`) and end (`high`, the next offset to be written) of one partition. */
export interface PartitionOffsets {
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

export interface TopicAdmin {
  connect(): Promise<void>;
  /**
   * Creates the topic, or checks that the existing one has the same partition count and replication
   * factor (a different count would move keys to other partitions, so it is an error, not a change).
   */
  ensureTopic(spec: TopicSpec): Promise<'created' | 'exists'>;
  describeTopic(topic: string): Promise<TopicDescription | undefined>;
  listTopics(): Promise<readonly string[]>;
  /** Watermarks of every partition, sorted by partition. */
  partitionOffsets(topic: string): Promise<readonly PartitionOffsets[]>;
  /** Offsets a group committed to Kafka (null: none yet), sorted by partition. */
  groupOffsets(groupId: string, topic: string): Promise<readonly { readonly partition: number; readonly offset: bigint | null }[]>;
  deleteTopic(topic: string): Promise<void>;
  disconnect(): Promise<void>;
}
