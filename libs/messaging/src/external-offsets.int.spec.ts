import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { MemoryOffsetStore } from '../test/memory-offset-store.js';
import { consumerThreads, skipReason, messagingWith, unique, waitFor } from '../test/kafka.js';
import { StoredOffsetOutOfRangeError, type MessageConsumer, type MessageProducer, type ReceivedBatch, type TopicAdmin, type TopicPartitions } from './index.js';

describe.skipIf(skipReason !== null).each(consumerThreads)('a consumer whose offsets are stored outside Kafka, the consumer on $thread', ({ offThread }) => {
  const m = messagingWith(offThread);
  let admin: TopicAdmin;
  let producer: MessageProducer;
  const running: MessageConsumer[] = [];

  beforeAll(async () => {
    admin = m.admin();
    await admin.connect();
    producer = m.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await producer?.disconnect();
    await admin?.disconnect();
  });

  async function produceTo(topic: string, partition: number, values: readonly string[]): Promise<void> {
    await producer.send(topic, values.map((value) => ({ key: null, value, partition })));
  }

  function externalConsumer(groupId: string, topic: string, store: MemoryOffsetStore, handle: (b: ReceivedBatch) => Promise<void> | void, extra: { commitToKafka?: boolean; onAssigned?: (a: readonly TopicPartitions[]) => void } = {}) {
    const consumer = m.consumer({
      groupId,
      topics: [topic],
      offsets: { kind: 'external', store, commitToKafka: extra.commitToKafka ?? true },
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1000,
      ...(extra.onAssigned ? { onAssigned: extra.onAssigned } : {}),
    });
    running.push(consumer);
    return {
      consumer,
      start: () => consumer.start(async (b) => handle(b)),
      stop: async () => {
        running.splice(running.indexOf(consumer), 1);
        await consumer.stop();
      },
    };
  }

  it('resumes at the stored offsets on start, whether Kafka\'s committed offsets for the group are behind or ahead', async () => {
    const topic = unique('seek');
    const group = unique('g');
    await admin.ensureTopic({ topic, partitions: 2, replicationFactor: 1 });
    await produceTo(topic, 0, Array.from({ length: 20 }, (_, i) => `p0-${i}`));
    await produceTo(topic, 1, Array.from({ length: 20 }, (_, i) => `p1-${i}`));

    // The group first reads everything with Kafka-committed offsets: Kafka now says 20/20.
    let seen = 0;
    const plain = m.consumer({ groupId: group, topics: [topic], offsets: { kind: 'kafka', fromBeginning: true } });
    await plain.start(async (b) => {
      seen += b.messages.length;
    });
    await waitFor('the plain consumer to read all 40', () => seen === 40);
    await plain.stop();
    expect(await admin.groupOffsets(group, topic)).toEqual([
      { partition: 0, offset: 20n },
      { partition: 1, offset: 20n },
    ]);

    await produceTo(topic, 1, Array.from({ length: 10 }, (_, i) => `p1-${20 + i}`));

    // The store is behind Kafka on partition 0 (5 < 20) and ahead of it on partition 1 (25 > 20). It
    // answers slowly, so the first batch of partition 1 arrives fetched from Kafka's offset 20 and
    // must be refused, not handled.
    const store = new MemoryOffsetStore(1500);
    store.set(topic, 0, 5n);
    store.set(topic, 1, 25n);
    const batches: ReceivedBatch[] = [];
    const assignments: (readonly TopicPartitions[])[] = [];
    const c = externalConsumer(group, topic, store, (b) => {
      batches.push(b);
      store.apply(b);
    }, { onAssigned: (a) => assignments.push(a) });
    await c.start();
    await waitFor('20 messages', () => store.applied.size >= 20);
    await sleep(300); // a wrongly accepted batch would arrive about now
    await c.stop();

    expect(assignments[0]).toEqual([{ topic, partitions: [0, 1] }]);
    const offsetsOf = (p: number) => batches.filter((b) => b.partition === p).flatMap((b) => b.messages.map((x) => Number(x.offset)));
    expect(offsetsOf(0)).toEqual(Array.from({ length: 15 }, (_, i) => i + 5));
    expect(offsetsOf(1)).toEqual([25, 26, 27, 28, 29]);
    expect(batches.find((b) => b.partition === 0)?.fromOffset).toBe(5n);
    expect(batches.find((b) => b.partition === 1)?.fromOffset).toBe(25n);
    expect(store.duplicates()).toEqual([]);
    expect(store.offsets.get(`${topic}/0`)).toBe(20n);
    expect(store.offsets.get(`${topic}/1`)).toBe(30n);
    // commitToKafka: the store's positions are mirrored to Kafka as a hint
    expect(await admin.groupOffsets(group, topic)).toEqual([
      { partition: 0, offset: 20n },
      { partition: 1, offset: 30n },
    ]);
  });

  it('asks the store again on every start: a rewound store offset is re-read, a current one reads only new messages', async () => {
    const topic = unique('restart');
    const group = unique('g');
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    await produceTo(topic, 0, Array.from({ length: 10 }, (_, i) => `m${i}`));
    const store = new MemoryOffsetStore();
    const got: number[] = [];
    const handle = (b: ReceivedBatch) => {
      got.push(...b.messages.map((x) => Number(x.offset)));
      store.apply(b);
    };

    const first = externalConsumer(group, topic, store, handle);
    await first.start();
    await waitFor('10 messages', () => got.length === 10);
    await first.stop();

    await produceTo(topic, 0, ['m10', 'm11']);
    const second = externalConsumer(group, topic, store, handle);
    await second.start();
    await waitFor('2 new messages', () => got.length === 12);
    await second.stop();
    expect(got).toEqual(Array.from({ length: 12 }, (_, i) => i));

    store.set(topic, 0, 7n); // e.g. the database was restored from an older backup
    const third = externalConsumer(group, topic, store, handle);
    await third.start();
    await waitFor('the re-read from offset 7', () => got.length === 17);
    await third.stop();
    expect(got.slice(12)).toEqual([7, 8, 9, 10, 11]);
  });

  it('redelivers a batch whose handler failed, so the store applies it once', async () => {
    const topic = unique('retry');
    const group = unique('g');
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    await produceTo(topic, 0, Array.from({ length: 5 }, (_, i) => `r${i}`));
    const store = new MemoryOffsetStore();
    let failures = 0;
    const c = externalConsumer(group, topic, store, (b) => {
      if (failures === 0) {
        failures++;
        throw new Error('the database was busy');
      }
      store.apply(b);
    });
    await c.start();
    await waitFor('all 5 applied', () => store.applied.size === 5);
    await c.stop();
    expect(failures).toBe(1);
    expect(store.duplicates()).toEqual([]);
    expect(store.offsets.get(`${topic}/0`)).toBe(5n);
  });

  it('stops, and says why, when the stored offset lies past the end of the log', async () => {
    const topic = unique('out-of-range');
    const group = unique('g');
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    await produceTo(topic, 0, ['x0', 'x1', 'x2']);
    const store = new MemoryOffsetStore();
    store.set(topic, 0, 100n); // e.g. the topic was deleted and recreated under the projection
    const reported: { error: Error; restarting: boolean }[] = [];
    let handled = 0;
    const consumer = m.consumer({
      groupId: group,
      topics: [topic],
      offsets: { kind: 'external', store },
      onError: (error, restarting) => reported.push({ error, restarting }),
    });
    running.push(consumer);
    await consumer.start(async (b) => {
      handled += b.messages.length;
    });
    await waitFor('the consumer to report the bad offset', () => reported.length > 0);
    running.splice(running.indexOf(consumer), 1);
    await consumer.stop();
    expect(handled).toBe(0);
    expect(reported[0]?.restarting).toBe(false);
    expect(reported[0]?.error).toBeInstanceOf(StoredOffsetOutOfRangeError);
    expect(reported[0]?.error).toMatchObject({ code: 'STORED_OFFSET_OUT_OF_RANGE', stored: 100n, low: 0n, high: 3n });
  });

  it('loses and doubles nothing while a second consumer joins and the first leaves under load', async () => {
    const topic = unique('rebalance');
    const group = unique('g');
    const partitions = 4;
    await admin.ensureTopic({ topic, partitions, replicationFactor: 1 });
    const store = new MemoryOffsetStore(300);
    // A steady producer, sends of 50 messages over 16 keys a little apart, that keeps going (at least 60 sends)
    // until B owns every partition: B joins and A leaves under load, and B always has messages to handle.
    let producing = true;
    let sent = 0;
    const production = (async () => {
      for (let s = 0; producing || s < 60; s++) {
        await producer.send(
          topic,
          Array.from({ length: 50 }, (_, i) => ({ key: `school-${(s * 50 + i) % 16}`, value: `msg-${s * 50 + i}` })),
        );
        sent += 50;
        await sleep(20);
      }
    })();
    // Awaited below; until then a failure must not surface as an unhandled rejection, and a failed test stops it.
    production.catch(() => undefined);
    onTestFinished(() => {
      producing = false;
    });

    const handled = { a: 0, b: 0 };
    const assignmentsOfB: (readonly TopicPartitions[])[] = [];
    // Slow handlers, so batches are in hand when membership changes. Kafka gets no offsets at all
    // (commitToKafka false): a new owner of a partition starts fetching at the log start unless it seeks.
    const slowApply = (who: 'a' | 'b') => async (b: ReceivedBatch) => {
      await sleep(15);
      store.apply(b);
      handled[who] += b.messages.length;
    };
    const a = externalConsumer(group, topic, store, slowApply('a'), { commitToKafka: false });
    await a.start();
    await waitFor('A to handle some messages', () => handled.a >= 300);

    const b = externalConsumer(group, topic, store, slowApply('b'), { commitToKafka: false, onAssigned: (x) => assignmentsOfB.push(x) });
    await b.start();
    await waitFor('B to be assigned partitions', () => assignmentsOfB.some((x) => x.length > 0));
    await waitFor('B to handle some messages', () => handled.b >= 100);
    const aHadShrunk = a.consumer.assignment().flatMap((x) => x.partitions).length < partitions;

    await a.stop();
    await waitFor('B to own every partition', () => b.consumer.assignment().flatMap((x) => x.partitions).length === partitions);
    producing = false;
    await production;
    const total = sent;
    await waitFor(`all ${total} messages applied`, () => store.applied.size === total, 90_000);
    await sleep(500); // anything still in flight would now show up as a duplicate
    await b.stop();

    expect(aHadShrunk).toBe(true);
    expect(handled.a).toBeGreaterThan(0);
    expect(handled.b).toBeGreaterThan(0);
    expect(store.duplicates()).toEqual([]);
    expect(store.applied.size).toBe(total);
    const watermarks = await admin.partitionOffsets(topic);
    for (const w of watermarks) expect(store.offsets.get(`${topic}/${w.partition}`)).toBe(w.high);
    expect(await admin.groupOffsets(group, topic)).toEqual(watermarks.map((w) => ({ partition: w.partition, offset: null })));
  });
});
