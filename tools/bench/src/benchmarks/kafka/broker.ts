import { createKafkaMessaging, encodeEnvelope, type Messaging } from '@npo/messaging';
import { recordedBenchEvent } from './fixtures.js';

/** `KAFKA_BROKERS` (comma-separated), else the kafka-local broker's default address. */
export function benchBrokers(env: NodeJS.ProcessEnv = process.env): readonly string[] {
  const given = env['KAFKA_BROKERS']?.trim();
  return given ? given.split(',').map((b) => b.trim()) : ['127.0.0.1:9092'];
}

export class BrokerUnreachableError extends Error {
  readonly code = 'BENCH_BROKER_UNREACHABLE';
  constructor(brokers: readonly string[], cause: unknown) {
    super(
      `no Kafka broker answers at ${brokers.join(',')} (${cause instanceof Error ? cause.message : String(cause)}): ` +
        'start the local one with `npm run kafka -- start`, or point KAFKA_BROKERS at a running broker',
      { cause },
    );
    this.name = 'BrokerUnreachableError';
  }
}

/** Fails fast (one connection attempt, no retries) when nothing answers at `brokers`. */
export async function assertBrokerReachable(brokers: readonly string[]): Promise<void> {
  const admin = createKafkaMessaging({ brokers, clientId: 'npo-bench-preflight', connectionTimeoutMs: 3_000, requestTimeoutMs: 5_000, retries: 0 }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (error) {
    throw new BrokerUnreachableError(brokers, error);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

let topicCounter = 0;
/** A topic name no other run (of this or another benchmark invocation) uses. */
export const uniqueTopic = (what: string): string => `bench.${what}.${process.pid}.${Date.now().toString(36)}.${topicCounter++}`;

/** A fresh topic of 3 partitions (the relay's default), removed by the returned function. */
export async function freshTopic(m: Messaging, topic: string): Promise<() => Promise<void>> {
  const admin = m.admin();
  await admin.connect();
  try {
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
    // A just-created topic can briefly be unknown to the metadata the clients read: wait until it answers.
    for (let attempt = 0; ; attempt++) {
      try {
        if ((await admin.partitionOffsets(topic)).length === 3) break;
      } catch (error) {
        if (attempt >= 50) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
  return async () => {
    const a = m.admin();
    await a.connect();
    try {
      await a.deleteTopic(topic);
    } finally {
      await a.disconnect();
    }
  };
}

/** Messages on the topic (sum of the partitions' high watermarks; the topics here are never truncated). */
export async function messagesOn(m: Messaging, topic: string): Promise<number> {
  const admin = m.admin();
  await admin.connect();
  try {
    return (await admin.partitionOffsets(topic)).reduce((n, p) => n + Number(p.high - p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Writes `count` bench envelopes to `topic` exactly as the relay would (set-up of the consume workload). */
export async function fillTopic(m: Messaging, topic: string, count: number): Promise<void> {
  const producer = m.producer();
  await producer.connect();
  try {
    for (let i = 0; i < count; i += 5_000) {
      const n = Math.min(5_000, count - i);
      await producer.send(topic, Array.from({ length: n }, (_, k) => encodeEnvelope(recordedBenchEvent(i + k))));
    }
  } finally {
    await producer.disconnect();
  }
}
