import type { Benchmark } from '../../harness/benchmark.js';
import { assertBrokerReachable, benchBrokers } from './broker.js';
import {
  E2E_RATE,
  KAFKA_WORKLOADS,
  javaConsumer,
  javaProducerDefaults,
  javaProducerInFlight1,
  kafkajsAlone,
  npoKafkaProjection,
  npoPipeline,
  npoProjectorInMemory,
  npoRelay,
} from './contenders.js';

/** Events per run: [full, quick]. */
const sizes: Record<string, readonly [number, number]> = {
  [KAFKA_WORKLOADS.publish]: [100_000, 10_000],
  [KAFKA_WORKLOADS.consume]: [100_000, 10_000],
  // 20 s at 1,000/s (the first 2 s warm up); quick: 5 s.
  [KAFKA_WORKLOADS.endToEnd]: [20 * E2E_RATE, 5 * E2E_RATE],
};

const sizeOf = (workload: string) => (_contender: string, quick: boolean): number => {
  const s = sizes[workload];
  if (s === undefined) throw new Error(`No size for ${workload}`);
  return quick ? s[1] : s[0];
};

/**
 * Our relay and Kafka-fed projector beside Kafka's own ProducerPerformance / ConsumerPerformance on the
 * same broker in the same run, plus the ceilings that explain a gap (the kafkajs client alone, the
 * projector without Kafka), and end-to-end latency at a steady 1,000 events/s. Needs a running broker
 * (`KAFKA_BROKERS`, default 127.0.0.1:9092, i.e. `npm run kafka -- start`); Java and Maven for the peers.
 */
export const kafkaBenchmark: Benchmark = {
  name: 'kafka',
  description: 'store -> Kafka relay, Kafka -> DuckDB projection and end-to-end latency, beside Kafka\'s own perf tools on the same broker',
  unit: 'events/s',
  baseline: 'npo-relay',
  workloads: [
    { name: KAFKA_WORKLOADS.publish, description: 'N bench envelopes (~480 B JSON, key = stream id, 2,000 schools) onto a fresh 3-partition topic, acks=all, idempotent', size: sizeOf(KAFKA_WORKLOADS.publish) },
    {
      name: KAFKA_WORKLOADS.consume,
      description: 'a fresh 3-partition topic of N envelopes as the relay writes them (filled in set-up), read by a new consumer group',
      size: sizeOf(KAFKA_WORKLOADS.consume),
      baseline: 'npo-kafka-projection',
    },
    {
      name: KAFKA_WORKLOADS.endToEnd,
      description: `steady ${E2E_RATE} single-event appends/s; the rate is the load achieved, latency is the result`,
      size: sizeOf(KAFKA_WORKLOADS.endToEnd),
      baseline: 'npo-pipeline',
    },
  ],
  contenders: [npoRelay, kafkajsAlone, javaProducerInFlight1, javaProducerDefaults, npoKafkaProjection, npoProjectorInMemory, javaConsumer, npoPipeline],
  targets: [
    { workload: KAFKA_WORKLOADS.publish, contender: 'npo-relay', atLeast: 50_000 },
    { workload: KAFKA_WORKLOADS.consume, contender: 'npo-kafka-projection', atLeast: 100_000 },
    { workload: KAFKA_WORKLOADS.endToEnd, contender: 'npo-pipeline', p99AtMostMs: 1_000 },
  ],
  // Set-up (filling a store or a topic) runs inside the time-out too; the end-to-end run waits up to 30 s for stragglers.
  runTimeoutMs: (quick) => (quick ? 90_000 : 180_000),
  preflight: () => assertBrokerReachable(benchBrokers()),
};
