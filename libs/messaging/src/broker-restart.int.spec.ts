import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkPrerequisites, freePorts, restart, start, stop, type KafkaLocalOptions } from '@npo/kafka-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryOffsetStore } from '../test/memory-offset-store.js';
import { consumerThreads, unique, waitFor } from '../test/kafka.js';
import { createKafkaMessaging, type Messaging, type ReceivedMessage } from './index.js';

// Restarting the shared broker would disturb the other test files running beside this one: this file
// starts a broker of its own (temporary data, free ports).
const missing = await checkPrerequisites().then(
  () => null,
  (e: unknown) => (e instanceof Error ? e.message : String(e)),
);
if (missing && process.env['CI']) throw new Error(`CI runs the broker restart test, but: ${missing}`);
if (missing) console.warn(`broker restart test skipped: ${missing}`);

describe.skipIf(missing !== null).each(consumerThreads)('producer and consumer across broker restarts, the consumer on $thread', ({ offThread }) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'messaging-restart-'));
  let broker: KafkaLocalOptions;
  let m: Messaging;

  beforeAll(async () => {
    const [port, controllerPort] = await freePorts(2);
    broker = { stateDir, port, controllerPort };
    const b = await start(broker);
    m = createKafkaMessaging({ brokers: b.brokers, clientId: 'messaging-restart' });
  }, 180_000);
  afterAll(async () => {
    if (broker) await stop(broker, { signal: 'SIGKILL' });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('writes every message exactly once and the external-offset consumer applies each once, through a clean stop and a SIGKILL', async () => {
    const topic = unique('restart');
    const admin = m.admin();
    await admin.connect();
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
    await admin.disconnect();

    const store = new MemoryOffsetStore();
    const errors: string[] = [];
    const consumer = m.consumer({
      groupId: unique('g'),
      topics: [topic],
      offsets: { kind: 'external', store },
      offThread,
      onError: (e, restarting) => errors.push(`${e.name} (restarting: ${restarting})`),
    });
    await consumer.start(async (b) => store.apply(b));

    const producer = m.producer();
    await producer.connect();
    const sends = 40;
    const perSend = 50;
    let acknowledged = 0;
    const producing = (async () => {
      for (let s = 0; s < sends; s++) {
        await producer.send(
          topic,
          Array.from({ length: perSend }, (_, i) => ({ key: `school-${i % 10}`, value: `${s}:${i}` })),
        );
        acknowledged++;
        await sleep(25);
      }
    })();

    await waitFor('some sends before the first outage', () => acknowledged >= 8);
    await restart(broker); // SIGTERM: a clean shutdown, then the same data again
    await waitFor('more sends after it', () => acknowledged >= 20, 120_000);
    await restart(broker, { signal: 'SIGKILL' });
    await producing;
    await producer.disconnect();

    const total = sends * perSend;
    await waitFor(`all ${total} applied`, () => store.applied.size >= total, 120_000);
    await consumer.stop();
    expect(store.duplicates()).toEqual([]);
    expect(store.applied.size).toBe(total);

    // The log itself: read it all again with a fresh group; nothing twice, each key in send order.
    const seen: ReceivedMessage[] = [];
    const reader = m.consumer({ groupId: unique('check'), topics: [topic], offsets: { kind: 'kafka', fromBeginning: true } });
    await reader.start(async (b) => {
      seen.push(...b.messages);
    });
    await waitFor('the whole log', () => seen.length >= total, 60_000);
    await sleep(300);
    await reader.stop();
    const values = seen.map((x) => x.value?.toString() ?? '');
    expect(values).toHaveLength(total);
    expect(new Set(values).size).toBe(total);
    for (let k = 0; k < 10; k++) {
      const order = seen.filter((x) => x.key?.toString() === `school-${k}`).map((x) => Number(x.value?.toString().split(':')[0]));
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  }, 300_000);
});
