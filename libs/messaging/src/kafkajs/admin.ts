import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { TopicMismatchError } from '../errors.js';
import type { PartitionOffsets, TopicAdmin, TopicDescription, TopicSpec } from '../port/admin.js';

// kafkajs is CommonJS and Node's ESM loader does not see this export by name (vitest's interop does),
// so the built library takes it from the default export.
const { ConfigResourceTypes } = kafkajs;

// Kafka's ConfigSource: 1 is DYNAMIC_TOPIC_CONFIG, a value set on the topic itself.
const TOPIC_CONFIG_SOURCE = 1;

export class KafkajsTopicAdmin implements TopicAdmin {
  private readonly admin: Admin;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin();
  }

  connect(): Promise<void> {
    return this.admin.connect();
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }

  async ensureTopic(spec: TopicSpec): Promise<'created' | 'exists'> {
    const created = await this.admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: spec.topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replicationFactor,
          configEntries: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        },
      ],
    });
    if (created) return 'created';
    const existing = await this.describeTopic(spec.topic);
    const actual = {
      partitions: existing?.partitions.length ?? 0,
      replicationFactor: existing?.partitions[0]?.replicas.length ?? 0,
    };
    if (actual.partitions !== spec.partitions || actual.replicationFactor !== spec.replicationFactor) {
      throw new TopicMismatchError(spec.topic, { partitions: spec.partitions, replicationFactor: spec.replicationFactor }, actual);
    }
    return 'exists';
  }

  async describeTopic(topic: string): Promise<TopicDescription | undefined> {
    if (!(await this.admin.listTopics()).includes(topic)) return undefined;
    const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const meta = topics.find((t) => t.name === topic);
    if (!meta) return undefined;
    const configs = await this.admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    const config: Record<string, string> = {};
    for (const entry of configs.resources[0]?.configEntries ?? []) {
      const source = (entry as { configSource?: number }).configSource;
      if (source === TOPIC_CONFIG_SOURCE) config[entry.configName] = entry.configValue;
    }
    return {
      topic,
      partitions: meta.partitions
        .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
        .sort((a, b) => a.partition - b.partition),
      config,
    };
  }

  async listTopics(): Promise<readonly string[]> {
    return (await this.admin.listTopics()).sort();
  }

  async partitionOffsets(topic: string): Promise<readonly PartitionOffsets[]> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })).sort((a, b) => a.partition - b.partition);
  }

  async groupOffsets(groupId: string, topic: string): Promise<readonly { partition: number; offset: bigint | null }[]> {
    const [entry] = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return (entry?.partitions ?? [])
      .map((p) => ({ partition: p.partition, offset: p.offset === '-1' ? null : BigInt(p.offset) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.admin.deleteTopics({ topics: [topic] });
  }
}
