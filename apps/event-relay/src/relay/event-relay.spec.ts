import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@npo/event-store';
import { createInMemoryEventStore } from '@npo/event-store/testing';
import {
  envelopeHeaders,
  type DeliveredPartition,
  type Messaging,
  type MessageConsumer,
  type MessageProducer,
  type OutgoingMessage,
  type TopicAdmin,
} from '@npo/messaging';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLoad } from '../../test/events.js';
import { CheckpointFile, LOG_START } from '../checkpoint/checkpoint-file.js';
import { RelayMetrics } from '../metrics/relay-metrics.js';
import { EventRelay, RelayCheckpointError, type RelayLogLevel } from './event-relay.js';

/** One send handed to a producer; the test decides when (and whether) Kafka acknowledges it. */
interface Send {
  /** Which producer made it: 0, 1, 2 for the first publisher, 3, 4, 5 for its replacement... */
  readonly producer: number;
  readonly positions: readonly number[];
  ack(): void;
  fail(error: Error): void;
}

const positionOf = (m: OutgoingMessage): number => Number(m.headers?.[envelopeHeaders.globalPosition]);

/**
 * A stand-in for Kafka behind the project's own messaging port: the relay's failure handling is
 * about what it does when a send is acknowledged, held or refused, which a real broker cannot be made
 * to do on cue. Producers keep the port's promise that one producer's sends run in call order.
 */
class KafkaDouble implements Messaging {
  /** Messages Kafka acknowledged, in the order of their acknowledgements. */
  readonly acknowledged: OutgoingMessage[] = [];
  readonly sends: Send[] = [];
  producersMade = 0;
  producersDisconnected = 0;
  /** Holds every topic description until it settles (a broker that is slow to answer). */
  describeGate: Promise<void> = Promise.resolve();
  /** Decides each send's fate as it reaches the broker; by default it is acknowledged at once. */
  onSend: (send: Send) => void = (send) => send.ack();

  constructor(readonly partitions: number) {}

  producer(): MessageProducer {
    const id = this.producersMade++;
    let queue: Promise<unknown> = Promise.resolve();
    return {
      connect: async () => undefined,
      send: (topic, messages) => {
        const run = queue.then(() => this.#deliver(id, topic, messages));
        queue = run.catch(() => undefined);
        return run;
      },
      disconnect: async () => {
        await queue;
        this.producersDisconnected++;
      },
    };
  }

  consumer(): MessageConsumer {
    throw new Error('the relay never consumes');
  }

  admin(): TopicAdmin {
    const refuse = (): never => {
      throw new Error('not used by the relay loop');
    };
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      describeTopic: async (topic) => (await this.describeGate, { topic, config: {}, partitions: Array.from({ length: this.partitions }, (_, partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })) }),
      ensureTopic: refuse,
      listTopics: refuse,
      partitionOffsets: refuse,
      groupOffsets: refuse,
      deleteTopic: refuse,
    };
  }

  #deliver(producer: number, topic: string, messages: readonly OutgoingMessage[]): Promise<readonly DeliveredPartition[]> {
    return new Promise((resolve, reject) => {
      const send: Send = {
        producer,
        positions: messages.map(positionOf),
        ack: () => {
          this.acknowledged.push(...messages);
          resolve([...new Set(messages.map((m) => m.partition ?? 0))].map((partition) => ({ topic, partition, baseOffset: 0n })));
        },
        fail: reject,
      };
      this.sends.push(send);
      this.onSend(send);
    });
  }
}

const until = async (what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/** A relay that went wrong tends to retry forever: fail with a reason instead of the test timeout. */
const within = <T>(what: string, promise: Promise<T>, timeoutMs = 5_000): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
};

describe('EventRelay against a double of the messaging port', () => {
  let dir: string;
  let store: EventStore;
  let kafka: KafkaDouble;
  let checkpoint: CheckpointFile;
  let metrics: RelayMetrics;
  let relay: EventRelay | undefined;
  const logged: { level: RelayLogLevel; message: string }[] = [];

  const relayWith = (options: { producers?: number; batchSize?: number } = {}): EventRelay =>
    (relay = new EventRelay({
      store,
      messaging: kafka,
      topic: 'npo.events.test',
      checkpoint,
      metrics,
      batchSize: options.batchSize ?? 10,
      producers: options.producers ?? 3,
      retryDelayMs: 1,
      maxRetryDelayMs: 1,
      log: (level, message) => logged.push({ level, message }),
    }));
  const saved = (): number => {
    try {
      return (JSON.parse(readFileSync(checkpoint.path, 'utf8')) as { globalPosition: number }).globalPosition;
    } catch {
      return LOG_START;
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-unit-'));
    store = createInMemoryEventStore();
    kafka = new KafkaDouble(3);
    checkpoint = new CheckpointFile(join(dir, 'event-relay'), 'npo.events.test');
    metrics = new RelayMetrics({ storeHead: () => store.headPosition() });
    logged.length = 0;
  });
  afterEach(async () => {
    await relay?.stop(1_000);
    relay = undefined;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves the checkpoint over a page only once Kafka acknowledged it and every page before it', async () => {
    await appendLoad(store, 30, 3); // three pages of 10
    const held: Send[] = [];
    kafka.onSend = (send) => held.push(send);
    const r = relayWith({ producers: 1 });
    await r.start();

    await until('the first page to reach the broker', () => held.length === 1);
    // The relay has nothing to wait for but the acknowledgement: give it time to do the wrong thing.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.position).toBe(LOG_START);
    expect(saved()).toBe(LOG_START);
    expect(await checkpoint.load()).toBe(LOG_START);

    held[0]!.ack();
    await within('position 9', r.reached(9));
    expect(saved()).toBe(9);
    await until('the second page to reach the broker', () => held.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(saved()).toBe(9);
    expect(r.position).toBe(9);

    held[1]!.ack();
    await until('the third page to reach the broker', () => held.length === 3);
    held[2]!.ack();
    await within('position 29', r.reached(29));
    expect(saved()).toBe(29);
    expect(kafka.acknowledged.map(positionOf)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('after a failed send replaces the producers, publishes again from the checkpoint, and ends with every event in Kafka in stream order', async () => {
    await appendLoad(store, 120, 7, 2); // 12 pages of 10
    const head = await store.headPosition();
    let failed: Send | undefined;
    let resumedAt: { checkpoint: number; position: number | undefined } | undefined;
    kafka.onSend = (send) => {
      if (failed === undefined && send.positions.some((p) => p >= 50)) {
        failed = send;
        return send.fail(new Error('NOT_ENOUGH_REPLICAS (the broker went away)'));
      }
      // The first send of a replacement producer: where did the relay resume?
      if (send.producer >= 3 && resumedAt === undefined) resumedAt = { checkpoint: saved(), position: r.position };
      send.ack();
    };
    const r = relayWith();
    await r.start();
    await within('every event published', r.reached(head));

    expect(failed).toBeDefined();
    expect(kafka.producersMade).toBe(6);
    expect(kafka.producersDisconnected).toBeGreaterThanOrEqual(3); // the broken publisher was closed
    expect(resumedAt).toBeDefined();
    const { checkpoint: resumedFrom } = resumedAt!;
    expect(resumedAt!.position).toBe(resumedFrom);
    // The failed page was not checkpointed, and the replacement starts right after the checkpoint.
    expect(resumedFrom).toBeLessThan(Math.min(...failed!.positions));
    const republished = kafka.sends.filter((s) => s.producer >= 3).flatMap((s) => s.positions);
    expect(Math.min(...republished)).toBe(resumedFrom + 1);

    const all = await store.readAll();
    const ids = new Set(kafka.acknowledged.map((m) => m.headers?.[envelopeHeaders.eventId]));
    expect(all.every((e) => ids.has(e.id))).toBe(true);
    // At least once, but never a later event of a stream ahead of an earlier one.
    const firstSeen = new Map<string, number[]>();
    const seen = new Set<number>();
    for (const m of kafka.acknowledged) {
      const p = positionOf(m);
      if (seen.has(p)) continue;
      seen.add(p);
      firstSeen.set(String(m.key), [...(firstSeen.get(String(m.key)) ?? []), p]);
    }
    for (const positions of firstSeen.values()) expect(positions).toEqual([...positions].sort((a, b) => a - b));

    expect(saved()).toBe(head);
    expect(r.state).toBe('publishing');
    expect(r.lastError).toBeNull();
    expect(await metrics.text()).toMatch(/^npo_relay_failures_total\{stage="publish"\} 1$/m);
    expect(logged).toContainEqual({ level: 'warn', message: 'relay publish failed; retrying' });
  });

  it('stop() returns within its timeout while a send is never acknowledged, leaving the checkpoint where it was', async () => {
    await appendLoad(store, 20, 2);
    kafka.onSend = (send) => {
      if (send.positions.some((p) => p >= 10)) return; // held for good, as by a client retrying a dead broker
      send.ack();
    };
    const r = relayWith({ producers: 1 });
    await r.start();
    await within('position 9', r.reached(9));
    await until('the second page to reach the broker', () => kafka.sends.length === 2);

    const started = performance.now();
    expect(await within('stop() to return', r.stop(200))).toBe('timed-out');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(r.state).toBe('stopped');
    expect(saved()).toBe(9);
  });

  it('closes producers that finish connecting after stop() gave up waiting for them', async () => {
    let answer!: () => void;
    kafka.describeGate = new Promise((resolve) => (answer = resolve));
    const r = relayWith();
    await r.start();
    expect(await r.stop(50)).toBe('timed-out');

    answer();
    await until('the late producers to be made', () => kafka.producersMade === 3);
    await until('the late producers to be disconnected', () => kafka.producersDisconnected === 3);
  });

  it('stops for good with a RelayCheckpointError when the checkpoint cannot be saved after the acknowledgement', async () => {
    await appendLoad(store, 10, 2);
    const held: Send[] = [];
    kafka.onSend = (send) => held.push(send);
    const r = relayWith();
    await r.start();
    await until('the page to reach the broker', () => held.length > 0);
    // A file where the checkpoint directory should be: saving fails on the file system (EEXIST).
    writeFileSync(join(dir, 'event-relay'), 'in the way');
    for (const send of held) send.ack();

    const error = await within(
      'the relay to stop',
      r.done().then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    expect(error).toBeInstanceOf(RelayCheckpointError);
    expect(error).toMatchObject({ code: 'RELAY_CHECKPOINT_WRITE_FAILED', cause: { code: 'EEXIST' } });
    await expect(r.reached(9)).rejects.toBeInstanceOf(RelayCheckpointError);
    expect(r.position).toBe(LOG_START);
    // No retry with new producers: after an acknowledgement it cannot record, the relay promises nothing.
    expect(kafka.producersMade).toBe(3);
    expect(logged).toContainEqual({ level: 'error', message: 'relay stopped on an unrecoverable error' });
  });
});
