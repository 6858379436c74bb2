import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messaging, skipReason, unique, waitFor } from '../../test/kafka.js';
import { PublisherBrokenError } from '../errors.js';
import type { TopicAdmin } from '../port/admin.js';
import type { ReceivedMessage } from '../port/message.js';
import { partitionForKey } from './murmur2.js';
import { PartitionedPublisher } from './partitioned-publisher.js';

describe.skipIf(skipReason !== null)('PartitionedPublisher against a real broker', () => {
  const m = messaging('partitioned-publisher-int');
  let admin: TopicAdmin;

  beforeAll(async () => {
    admin = m.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  async function consumeAll(topic: string, count: number): Promise<ReceivedMessage[]> {
    const messages: ReceivedMessage[] = [];
    const consumer = m.consumer({ groupId: unique('g'), topics: [topic], offsets: { kind: 'kafka', fromBeginning: true } });
    await consumer.start(async (batch) => {
      messages.push(...batch.messages);
    });
    try {
      await waitFor(`${count} messages on ${topic}`, () => messages.length >= count);
    } finally {
      await consumer.stop();
    }
    return messages;
  }

  it('publishes through several producers: every message once, on the partition of its key, each key in publish order', async () => {
    const topic = unique('partitioned');
    const partitions = 5;
    await admin.ensureTopic({ topic, partitions, replicationFactor: 1 });
    const publisher = new PartitionedPublisher(m, { topic, partitions, producers: 3 });
    expect(publisher.producers).toBe(3);
    await publisher.connect();
    const keys = Array.from({ length: 40 }, (_, i) => `school-${i}`);
    // Publishes are not awaited one by one: queued sends must still keep each key's order.
    const publishes: Promise<void>[] = [];
    for (let round = 0; round < 6; round++) publishes.push(publisher.publish(keys.flatMap((key) => Array.from({ length: 5 }, (_, i) => ({ key, value: String(round * 5 + i) })))));
    await Promise.all(publishes);
    await publisher.close();
    const sent = keys.length * 30;

    const messages = await consumeAll(topic, sent);
    expect(messages).toHaveLength(sent);
    const byKey = new Map<string, number[]>();
    for (const msg of messages) {
      const key = msg.key!.toString();
      expect(msg.partition).toBe(partitionForKey(key, partitions));
      byKey.set(key, [...(byKey.get(key) ?? []), Number(msg.value!.toString())]);
    }
    for (const key of keys) expect(byKey.get(key)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(new Set(messages.map((x) => x.partition)).size).toBe(partitions);
  });

  it('sends nothing more after a failed publish: later publishes reject as broken and never reach the topic', async () => {
    const topic = unique('broken');
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    const publisher = new PartitionedPublisher(m, { topic, partitions: 1 });
    await publisher.connect();
    // Larger than the broker's message.max.bytes (1 MiB by default): refused, not retried.
    const tooLarge = publisher.publish([{ key: 'school-a', value: 'x'.repeat(2 * 1024 * 1024) }]);
    const after = publisher.publish([{ key: 'school-a', value: 'after' }]);
    await expect(tooLarge).rejects.toThrow();
    await expect(after).rejects.toBeInstanceOf(PublisherBrokenError);
    await expect(publisher.publish([{ key: 'school-b', value: 'later' }])).rejects.toBeInstanceOf(PublisherBrokenError);
    await publisher.close();
    const [offsets] = await admin.partitionOffsets(topic);
    expect(offsets?.high).toBe(0n);
  });

  it('refuses to publish before connect', async () => {
    const publisher = new PartitionedPublisher(m, { topic: unique('unused'), partitions: 3 });
    await expect(publisher.publish([{ key: 'k', value: 'v' }])).rejects.toThrow('before connect');
  });
});
