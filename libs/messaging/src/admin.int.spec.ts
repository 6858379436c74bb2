import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skipReason, messaging, unique, waitFor } from '../test/kafka.js';
import { lagOf, TopicMismatchError, type TopicAdmin } from './index.js';

describe.skipIf(skipReason !== null)('topic admin against a real broker', () => {
  const m = messaging();
  let admin: TopicAdmin;

  beforeAll(async () => {
    admin = m.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('creates a topic with its partitions and config, then finds it existing', async () => {
    const topic = unique('admin');
    const spec = { topic, partitions: 3, replicationFactor: 1, config: { 'retention.ms': '-1', 'cleanup.policy': 'delete' } };
    expect(await admin.ensureTopic(spec)).toBe('created');
    expect(await admin.ensureTopic(spec)).toBe('exists');
    expect(await admin.listTopics()).toContain(topic);

    const d = await admin.describeTopic(topic);
    expect(d?.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    expect(d?.partitions.every((p) => p.replicas.length === 1 && p.isr.length === 1 && p.leader === p.replicas[0])).toBe(true);
    expect(d?.config).toEqual({ 'retention.ms': '-1', 'cleanup.policy': 'delete' });
  });

  it('refuses an existing topic with another partition count instead of changing it', async () => {
    const topic = unique('admin-mismatch');
    await admin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 });
    const err = await admin.ensureTopic({ topic, partitions: 4, replicationFactor: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopicMismatchError);
    expect(err).toMatchObject({ code: 'TOPIC_MISMATCH', actual: { partitions: 2, replicationFactor: 1 } });
    expect((await admin.describeTopic(topic))?.partitions).toHaveLength(2);
  });

  it('describes a missing topic as undefined and deletes topics', async () => {
    const topic = unique('admin-delete');
    expect(await admin.describeTopic(topic)).toBeUndefined();
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    await admin.deleteTopic(topic);
    expect(await admin.listTopics()).not.toContain(topic);
  });

  it('reports watermarks and a group\'s committed offsets, from which lag follows', async () => {
    const topic = unique('admin-lag');
    const group = unique('g');
    await admin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 });
    const producer = m.producer();
    await producer.connect();
    await producer.send(topic, [
      ...Array.from({ length: 7 }, (_, i) => ({ key: null, value: `a${i}`, partition: 0 })),
      ...Array.from({ length: 3 }, (_, i) => ({ key: null, value: `b${i}`, partition: 1 })),
    ]);
    await producer.disconnect();

    const offsets = await admin.partitionOffsets(topic);
    expect(offsets).toEqual([
      { partition: 0, low: 0n, high: 7n },
      { partition: 1, low: 0n, high: 3n },
    ]);
    expect(await admin.groupOffsets(group, topic)).toEqual([
      { partition: 0, offset: null },
      { partition: 1, offset: null },
    ]);

    // The group reads everything and commits it: no lag left.
    let seen = 0;
    const consumer = m.consumer({ groupId: group, topics: [topic], offsets: { kind: 'kafka', fromBeginning: true } });
    await consumer.start(async (b) => {
      seen += b.messages.length;
    });
    await waitFor('all 10 messages', () => seen === 10);
    await consumer.stop();
    const committed = await admin.groupOffsets(group, topic);
    expect(committed).toEqual([
      { partition: 0, offset: 7n },
      { partition: 1, offset: 3n },
    ]);
    expect(lagOf(offsets, new Map(committed.map((c) => [c.partition, c.offset]))).total).toBe(0n);
    expect(lagOf(offsets, new Map()).total).toBe(10n);
  });
});
