import type { RecordedEvent } from '@npo/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerThreads, skipReason, messagingWith, unique, waitFor } from '../test/kafka.js';
import { installRecordEncoder } from './kafkajs/record-encoder.js';
import { decodeEnvelope, encodeEnvelope, type MessageProducer, type ReceivedBatch, type ReceivedMessage, type TopicAdmin } from './index.js';

describe.skipIf(skipReason !== null).each(consumerThreads)('producer and consumer against a real broker, the consumer on $thread', ({ offThread }) => {
  const m = messagingWith(offThread);
  let admin: TopicAdmin;
  let producer: MessageProducer;

  beforeAll(async () => {
    admin = m.admin();
    await admin.connect();
    producer = m.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  /** Reads `count` messages of `topic` from the beginning with a Kafka-committed group. */
  async function consumeAll(topic: string, count: number): Promise<{ messages: ReceivedMessage[]; batches: ReceivedBatch[] }> {
    const messages: ReceivedMessage[] = [];
    const batches: ReceivedBatch[] = [];
    const consumer = m.consumer({ groupId: unique('g'), topics: [topic], offsets: { kind: 'kafka', fromBeginning: true } });
    await consumer.start(async (batch) => {
      batches.push(batch);
      messages.push(...batch.messages);
    });
    try {
      await waitFor(`${count} messages on ${topic}`, () => messages.length >= count);
    } finally {
      await consumer.stop();
    }
    return { messages, batches };
  }

  it('delivers key, value (text and binary) and headers unchanged', async () => {
    const topic = unique('roundtrip');
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    const binary = Buffer.from([0, 255, 1, 254, 10, 13]);
    const delivered = await producer.send(topic, [
      { key: 'a', value: 'héllo', headers: { 'event-id': 'e1', 'x-empty': '' } },
      { key: null, value: binary },
      { key: Buffer.from('b'), value: '{"n":1}' },
    ]);
    expect(delivered).toEqual([{ topic, partition: 0, baseOffset: 0n }]);

    const { messages } = await consumeAll(topic, 3);
    expect(messages.map((x) => x.offset)).toEqual([0n, 1n, 2n]);
    expect(messages[0]?.key?.toString()).toBe('a');
    expect(messages[0]?.value?.toString()).toBe('héllo');
    expect(messages[0]?.headers).toEqual({ 'event-id': 'e1', 'x-empty': '' });
    expect(messages[1]?.key).toBeNull();
    expect(messages[1]?.value).toEqual(binary);
    expect(messages[2]?.key?.toString()).toBe('b');
    expect(messages[2]?.timestamp).toBeGreaterThan(0);
    // These records went through the single-buffer record encoder, installed by createKafkaMessaging.
    expect(installRecordEncoder()).toBe('already-installed');
  });

  it('keeps the order of each key, with each key on one partition', async () => {
    const topic = unique('order');
    await admin.ensureTopic({ topic, partitions: 4, replicationFactor: 1 });
    const keys = Array.from({ length: 12 }, (_, i) => `school-${i}`);
    let sent = 0;
    // Several sends, interleaving keys, so that order across requests matters too.
    for (let round = 0; round < 5; round++) {
      const batch = keys.flatMap((key) => Array.from({ length: 10 }, (_, i) => ({ key, value: String(round * 10 + i) })));
      await producer.send(topic, batch);
      sent += batch.length;
    }
    const { messages } = await consumeAll(topic, sent);
    expect(messages).toHaveLength(sent);
    const byKey = new Map<string, { partitions: Set<number>; values: number[] }>();
    for (const msg of messages) {
      const k = msg.key?.toString() ?? '';
      const entry = byKey.get(k) ?? { partitions: new Set(), values: [] };
      entry.partitions.add(msg.partition);
      entry.values.push(Number(msg.value?.toString()));
      byKey.set(k, entry);
    }
    expect([...byKey.keys()].sort()).toEqual([...keys].sort());
    for (const { partitions, values } of byKey.values()) {
      expect(partitions.size).toBe(1);
      expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i));
    }
    expect(new Set(messages.map((x) => x.partition)).size).toBeGreaterThan(1);
  });

  it('queues concurrent sends on the idempotent producer: all acknowledged, each once, in call order', async () => {
    const topic = unique('concurrent');
    await admin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 });
    const calls = 20;
    const perCall = 50;
    const results = await Promise.all(
      Array.from({ length: calls }, (_, c) =>
        producer.send(
          topic,
          Array.from({ length: perCall }, (_, i) => ({ key: `k${i % 4}`, value: `${c}:${i}` })),
        ),
      ),
    );
    expect(results.every((r) => r.length > 0)).toBe(true);
    const { messages } = await consumeAll(topic, calls * perCall);
    const values = messages.map((x) => x.value?.toString() ?? '');
    expect(new Set(values).size).toBe(calls * perCall);
    expect(values).toHaveLength(calls * perCall);
    // per key, the call index never goes backwards: calls were written in the order they were made
    for (let k = 0; k < 4; k++) {
      const order = messages.filter((x) => x.key?.toString() === `k${k}`).map((x) => Number(x.value?.toString().split(':')[0]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const watermarks = await admin.partitionOffsets(topic);
    expect(watermarks.reduce((s, w) => s + w.high, 0n)).toBe(BigInt(calls * perCall));
  });

  it('splits a send larger than one request, keeping all of it in order', async () => {
    const topic = unique('large');
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    const big = m.producer({ maxBatchBytes: 64 * 1024 });
    await big.connect();
    try {
      // ~2.4 MB in one call: above the broker's 1 MB default batch limit unless split.
      const messages = Array.from({ length: 600 }, (_, i) => ({ key: 'one', value: `${i}:`.padEnd(4000, 'x') }));
      const delivered = await big.send(topic, messages);
      expect(delivered).toEqual([{ topic, partition: 0, baseOffset: 0n }]);
    } finally {
      await big.disconnect();
    }
    const { messages } = await consumeAll(topic, 600);
    expect(messages.map((x) => Number(x.value?.toString().split(':')[0]))).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('carries event envelopes through Kafka and decodes them back', async () => {
    const topic = unique('envelopes');
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
    const events: RecordedEvent[] = Array.from({ length: 30 }, (_, i) => ({
      id: `0193b8e4-7c1a-7b3e-9f00-${String(i).padStart(12, '0')}`,
      type: 'npo.ScanCompleted',
      schemaVersion: 1,
      streamId: `school-${i % 5}`,
      streamPosition: Math.floor(i / 5),
      globalPosition: i + 1,
      occurredAt: '2026-03-01T09:00:00.000Z',
      recordedAt: '2026-03-01T09:00:01.000Z',
      data: { i },
      metadata: { correlationId: `c${i}`, causationId: null, actor: { role: 'school', id: `${i % 5}` }, idempotencyKey: null },
    }));
    await producer.send(topic, events.map(encodeEnvelope));
    const { messages } = await consumeAll(topic, events.length);
    const decoded = messages.map(decodeEnvelope);
    expect(decoded.every((d) => d.ok)).toBe(true);
    const got = decoded.flatMap((d) => (d.ok ? [d.event] : [])).sort((a, b) => a.globalPosition - b.globalPosition);
    expect(got).toEqual(events);
  });
});
