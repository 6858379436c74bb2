import { join } from 'node:path';
import { kafkaEventFeed } from '@npo/analytics-kafka-feed';
import { openSqliteEventStore } from '@npo/event-store';
import { createKafkaMessaging, encodeEnvelope, type Messaging } from '@npo/messaging';
import type { Contender, PreparedRun } from '../../harness/benchmark.js';
import { benchBrokers, fillTopic, freshTopic, messagesOn, uniqueTopic } from './broker.js';
import { fillStore, recordedBenchEvent } from './fixtures.js';
import { consumerPerformance, producerPerformance, writePayloadFile, type JavaToolResult } from './java-peers.js';
import { endToEndLatency } from './latency.js';
import { inMemoryFeed, projectFeed, relayPosition, startRelay, type RelayProcess } from './node-contenders.js';

export const KAFKA_WORKLOADS = { publish: 'publish', consume: 'consume', endToEnd: 'end-to-end' } as const;

/** Events per second of the steady load in the end-to-end workload (the 1,000/s). */
export const E2E_RATE = 1_000;
const E2E_WARMUP_SECONDS = 2;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const messaging = (): Messaging => createKafkaMessaging({ brokers: benchBrokers(), clientId: 'npo-bench' });

/** A run's outcome from a JVM tool's own rate: its clock, so JVM start and class loading are not counted. */
const fromJavaTool = (r: JavaToolResult): { operations: number; elapsedMs: number } => ({ operations: r.records, elapsedMs: (r.records * 1000) / r.perSecond });

/** Publish workload: a fresh topic per run; `verify` counts what landed on it. */
async function publishRun(m: Messaging, what: string, run: (topic: string) => Promise<{ operations: number; elapsedMs?: number }>, cleanup?: () => Promise<void>): Promise<PreparedRun> {
  const topic = uniqueTopic(what);
  const drop = await freshTopic(m, topic);
  return {
    run: () => run(topic),
    verify: () => messagesOn(m, topic),
    dispose: async () => {
      await cleanup?.();
      await drop();
    },
  };
}

export const npoRelay: Contender = {
  name: 'npo-relay',
  description:
    'the built relay (apps/event-relay/dist/main.js, own process) on a SQLite store of N events (filled in set-up); timed from its start-up line until its checkpoint names the head (every event acknowledged: acks=all, idempotent)',
  warmup: false,
  supports: (w) => w === KAFKA_WORKLOADS.publish,
  async prepare(_workload, { dir, size }) {
    const store = await openSqliteEventStore({ path: join(dir, 'events.sqlite') });
    await fillStore(store, size);
    const head = await store.headPosition();
    await store.close();
    let relay: RelayProcess | undefined;
    return publishRun(
      messaging(),
      'relay',
      async (topic) => {
        relay = await startRelay(dir, benchBrokers(), topic);
        const ready = performance.now();
        while ((await relayPosition(relay.checkpointFile)) < head) {
          if (relay.child.exitCode !== null) throw new Error(`the relay exited (${relay.child.exitCode}) at position ${await relayPosition(relay.checkpointFile)} of ${head}`);
          await sleep(5);
        }
        const elapsedMs = performance.now() - ready;
        await relay.stop();
        return { operations: head + 1, elapsedMs };
      },
      async () => relay?.stop(),
    );
  },
};

export const kafkajsAlone: Contender = {
  name: 'kafkajs-client-alone',
  description: "the same envelopes (built in set-up) encoded and sent by @npo/messaging's kafkajs producer, 5,000 per send, no store: the client library's ceiling",
  supports: (w) => w === KAFKA_WORKLOADS.publish,
  async prepare(_workload, { size }) {
    const recorded = Array.from({ length: size }, (_, i) => recordedBenchEvent(i));
    const m = messaging();
    const producer = m.producer();
    await producer.connect();
    return publishRun(
      m,
      'kafkajs',
      async (topic) => {
        for (let i = 0; i < recorded.length; i += 5_000) await producer.send(topic, recorded.slice(i, i + 5_000).map(encodeEnvelope));
        return { operations: recorded.length };
      },
      () => producer.disconnect(),
    );
  },
};

const javaProducer = (name: string, description: string, props: readonly string[]): Contender => ({
  name,
  description,
  warmup: false,
  supports: (w) => w === KAFKA_WORKLOADS.publish,
  async prepare(_workload, { dir, size }) {
    const payloadFile = join(dir, 'envelopes.txt');
    await writePayloadFile(payloadFile);
    return publishRun(messaging(), name, async (topic) => fromJavaTool(await producerPerformance({}, benchBrokers()[0]!, topic, size, payloadFile, props)));
  },
});

export const javaProducerInFlight1 = javaProducer(
  'kafka-producer-perf-1-in-flight',
  "Kafka's ProducerPerformance (kafka-tools jar), acks=all, idempotent, max.in.flight.requests.per.connection=1 (kafkajs' limit), values = the same envelopes, no key or headers; its own rate",
  ['max.in.flight.requests.per.connection=1'],
);

export const javaProducerDefaults = javaProducer(
  'kafka-producer-perf-defaults',
  "Kafka's ProducerPerformance with the Java client's defaults (5 in flight, linger 5 ms, 16 KiB batches), acks=all, idempotent; its own rate",
  [],
);

/** Consume workload: a fresh topic holding `size` envelopes as the relay writes them (set-up). */
async function filledTopic(size: number): Promise<{ m: Messaging; topic: string; drop: () => Promise<void> }> {
  const m = messaging();
  const topic = uniqueTopic('consume');
  const drop = await freshTopic(m, topic);
  await fillTopic(m, topic, size);
  return { m, topic, drop };
}

export const npoKafkaProjection: Contender = {
  name: 'npo-kafka-projection',
  description: '@npo/analytics-kafka-feed + runProjector into a fresh DuckDB, new consumer group, from subscribe until the whole topic is applied (decode, validate, facts, checkpoint per transaction)',
  supports: (w) => w === KAFKA_WORKLOADS.consume,
  async prepare(_workload, { dir, size }) {
    const { m, topic, drop } = await filledTopic(size);
    let applied = 0;
    return {
      run: async () => {
        const feed = kafkaEventFeed({ messaging: m, topic, groupId: `bench-${process.pid}-${Date.now()}` });
        applied = (await projectFeed(feed, join(dir, 'analytics'))).events;
        return { operations: applied };
      },
      dispose: drop,
    };
  },
};

export const npoProjectorInMemory: Contender = {
  name: 'npo-projector-in-memory',
  description: "the same envelopes as JSON text through an in-memory feed into runProjector (no Kafka): the projector's ceiling",
  supports: (w) => w === KAFKA_WORKLOADS.consume,
  async prepare(_workload, { dir, size }) {
    const texts = Array.from({ length: size }, (_, i) => JSON.stringify(recordedBenchEvent(i)));
    return {
      run: async () => ({ operations: (await projectFeed(inMemoryFeed(texts), join(dir, 'analytics'))).events }),
      dispose: async () => undefined,
    };
  },
};

export const javaConsumer: Contender = {
  name: 'kafka-consumer-perf',
  description: "Kafka's ConsumerPerformance (kafka-tools jar) on a topic of the same envelopes, new group: reads, applies nothing; its own overall rate (group join included, as for ours)",
  warmup: false,
  supports: (w) => w === KAFKA_WORKLOADS.consume,
  async prepare(_workload, { size }) {
    const { topic, drop } = await filledTopic(size);
    return {
      run: async () => fromJavaTool(await consumerPerformance({}, benchBrokers()[0]!, topic, size)),
      dispose: drop,
    };
  },
};

export const npoPipeline: Contender = {
  name: 'npo-pipeline',
  description: `single-event appends at ${E2E_RATE}/s (each awaited, like API requests) -> built relay -> Kafka -> Kafka-fed projector -> DuckDB commit; latency per event on one clock, first 2 s not counted; errors = events not projected 30 s after the load`,
  warmup: false,
  supports: (w) => w === KAFKA_WORKLOADS.endToEnd,
  async prepare(_workload, { dir, size }) {
    const m = messaging();
    const topic = uniqueTopic('latency');
    const drop = await freshTopic(m, topic);
    return {
      run: async () => {
        // `size` events in all: the first 2 s of them warm up, the rest are measured.
        const r = await endToEndLatency(m, join(dir, 'latency'), benchBrokers(), topic, E2E_RATE, Math.max(1, Math.round(size / E2E_RATE) - E2E_WARMUP_SECONDS), E2E_WARMUP_SECONDS);
        return {
          operations: r.appended,
          elapsedMs: r.loadMs,
          errors: r.unprojected,
          ...(r.unprojected > 0 ? { firstError: `${r.unprojected} appended events not projected 30 s after the load` } : {}),
          latencyMs: { p50: r.ms.p50, p99: r.ms.p99 },
        };
      },
      dispose: drop,
    };
  },
};
