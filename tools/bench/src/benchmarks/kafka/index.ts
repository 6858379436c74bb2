import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdir, writeFile } from 'node:fs/promises';
import { start, type KafkaLocalOptions } from '@npo/kafka-local';
import { createKafkaMessaging, type Messaging } from '@npo/messaging';
import { describeMachine, type Machine } from '../../harness/report.js';
import { consumerPerformance, producerPerformance, writePayloadFile, type JavaToolResult } from './java-peers.js';
import { endToEndLatency, type LatencyResult } from './latency.js';
import { inMemoryProjection, kafkaProjection, kafkajsThroughput, relayThroughput, type ProjectionRate, type Rate } from './node-contenders.js';

/*
 * Kafka benchmark, one run on one broker: our relay and our Kafka-fed projector beside Kafka's own
 * ProducerPerformance and ConsumerPerformance (kafka-tools jar, same broker, same run, same envelope
 * values), plus two ceilings that explain the gap (the kafkajs client alone, the projector alone), and
 * end-to-end latency at a steady rate. Not a harness Benchmark: the JVM tools report their own rates
 * (JVM start excluded), which the harness's timing of a whole run could not do fairly.
 *   node tools/bench/dist/benchmarks/kafka/index.js [events] [latency seconds]
 */

export const TARGETS = { relayPerSecond: 50_000, projectionPerSecond: 100_000, e2eP99Ms: 1_000, e2eRate: 1_000 } as const;

export interface KafkaBenchmarkReport {
  readonly benchmark: 'kafka';
  readonly command: string;
  readonly machine: Machine;
  readonly startedAt: string;
  readonly broker: string;
  readonly events: number;
  readonly publish: {
    readonly npoRelay: Rate;
    readonly kafkajsClientAlone: Rate;
    readonly javaProducerInFlight1: JavaToolResult;
    readonly javaProducerDefaults: JavaToolResult;
  };
  readonly consume: {
    readonly npoKafkaProjection: ProjectionRate;
    readonly npoProjectorInMemory: ProjectionRate;
    readonly javaConsumer: JavaToolResult;
  };
  readonly latency: LatencyResult;
  readonly targets: readonly { readonly what: string; readonly target: string; readonly measured: string; readonly met: boolean }[];
}

export interface KafkaBenchmarkOptions {
  readonly events?: number;
  readonly latencySeconds?: number;
  /** A running broker (`KAFKA_BROKERS`); default: the kafka-local broker, started if needed. */
  readonly brokers?: readonly string[];
  readonly broker?: KafkaLocalOptions;
  readonly log?: (line: string) => void;
}

async function createTopic(m: Messaging, topic: string): Promise<void> {
  const admin = m.admin();
  await admin.connect();
  try {
    await admin.ensureTopic({ topic, partitions: 3, replicationFactor: 1 });
  } finally {
    await admin.disconnect();
  }
}

export async function runKafkaBenchmark(options: KafkaBenchmarkOptions = {}): Promise<KafkaBenchmarkReport> {
  const log = options.log ?? (() => undefined);
  const events = options.events ?? 100_000;
  const latencySeconds = options.latencySeconds ?? 20;
  const brokers = options.brokers ?? (await start(options.broker ?? {})).brokers;
  const bootstrap = brokers[0]!;
  const m = createKafkaMessaging({ brokers, clientId: 'npo-bench' });
  const run = `${Date.now().toString(36)}`;
  const dir = await mkdtemp(join(tmpdir(), 'npo-bench-kafka-'));
  const startedAt = new Date().toISOString();
  try {
    const payloadFile = join(dir, 'envelopes.txt');
    await writePayloadFile(payloadFile);

    log(`relay: ${events} events store -> Kafka`);
    const relayTopic = `bench.relay.${run}`;
    await createTopic(m, relayTopic);
    const npoRelay = await relayThroughput(join(dir, 'relay'), brokers, relayTopic, events);
    log(`  ${npoRelay.perSecond} events/s`);

    log('kafkajs client alone');
    const kafkajsTopic = `bench.kafkajs.${run}`;
    await createTopic(m, kafkajsTopic);
    const kafkajsClientAlone = await kafkajsThroughput(m, kafkajsTopic, events);
    log(`  ${kafkajsClientAlone.perSecond} events/s`);

    log('ProducerPerformance, one request in flight (as kafkajs)');
    const javaTopic1 = `bench.java1.${run}`;
    await createTopic(m, javaTopic1);
    const javaProducerInFlight1 = await producerPerformance(options.broker ?? {}, bootstrap, javaTopic1, events, payloadFile, ['max.in.flight.requests.per.connection=1']);
    log(`  ${javaProducerInFlight1.line}`);

    log('ProducerPerformance, client defaults (5 in flight, linger 5 ms, 16 KiB batches)');
    const javaTopic5 = `bench.java5.${run}`;
    await createTopic(m, javaTopic5);
    const javaProducerDefaults = await producerPerformance(options.broker ?? {}, bootstrap, javaTopic5, events, payloadFile, []);
    log(`  ${javaProducerDefaults.line}`);

    log('Kafka-fed projector: the relay topic into DuckDB');
    const npoKafkaProjection = await kafkaProjection(m, join(dir, 'projection'), relayTopic);
    log(`  ${npoKafkaProjection.perSecond} events/s (${npoKafkaProjection.afterFirstBatchPerSecond} after the first batch)`);

    log('projector alone (in-memory feed)');
    const npoProjectorInMemory = await inMemoryProjection(join(dir, 'memory'), events);
    log(`  ${npoProjectorInMemory.perSecond} events/s`);

    log('ConsumerPerformance on the relay topic');
    const javaConsumer = await consumerPerformance(options.broker ?? {}, bootstrap, relayTopic, events);
    log(`  ${javaConsumer.line}`);

    log(`end-to-end latency at ${TARGETS.e2eRate} events/s for ${latencySeconds} s`);
    const latencyTopic = `bench.latency.${run}`;
    await createTopic(m, latencyTopic);
    const latency = await endToEndLatency(m, join(dir, 'latency'), brokers, latencyTopic, TARGETS.e2eRate, latencySeconds);
    log(`  p50 ${latency.ms.p50} ms, p99 ${latency.ms.p99} ms over ${latency.measured} events`);

    const n = (x: number): string => Math.round(x).toLocaleString('en-US');
    return {
      benchmark: 'kafka',
      command: `node tools/bench/dist/benchmarks/kafka/index.js ${events} ${latencySeconds}`,
      machine: describeMachine(),
      startedAt,
      broker: bootstrap,
      events,
      publish: { npoRelay, kafkajsClientAlone, javaProducerInFlight1, javaProducerDefaults },
      consume: { npoKafkaProjection, npoProjectorInMemory, javaConsumer },
      latency,
      targets: [
        { what: 'relay throughput', target: `>= ${n(TARGETS.relayPerSecond)} events/s`, measured: `${n(npoRelay.perSecond)} events/s`, met: npoRelay.perSecond >= TARGETS.relayPerSecond },
        {
          what: 'Kafka-fed projection',
          target: `>= ${n(TARGETS.projectionPerSecond)} events/s`,
          measured: `${n(npoKafkaProjection.perSecond)} events/s`,
          met: npoKafkaProjection.perSecond >= TARGETS.projectionPerSecond,
        },
        {
          what: `end-to-end p99 at ${n(TARGETS.e2eRate)} events/s`,
          target: `<= ${n(TARGETS.e2eP99Ms)} ms`,
          measured: `${latency.ms.p99} ms (p50 ${latency.ms.p50} ms)`,
          met: latency.ms.p99 <= TARGETS.e2eP99Ms && latency.unprojected === 0,
        },
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function kafkaReportMarkdown(r: KafkaBenchmarkReport): string {
  const n = (x: number | undefined): string => (x === undefined ? '' : Math.round(x).toLocaleString('en-US'));
  return [
    `### kafka: relay and Kafka-fed projection beside Kafka's own perf tools (${r.events.toLocaleString('en-US')} events, broker ${r.broker})`,
    '',
    `${r.machine.cpus} x ${r.machine.cpuModel}, Node ${r.machine.node}. Command: \`${r.command}\``,
    '',
    '| step | contender | events/s | note |',
    '|---|---|--:|---|',
    `| publish | npo-relay (built, store -> Kafka, acks=all, idempotent) | ${n(r.publish.npoRelay.perSecond)} | until the checkpoint names the head |`,
    `| publish | kafkajs client alone (same envelopes, no store) | ${n(r.publish.kafkajsClientAlone.perSecond)} | the library's ceiling |`,
    `| publish | Kafka ProducerPerformance, 1 in flight | ${n(r.publish.javaProducerInFlight1.perSecond)} | same values, acks=all, idempotent |`,
    `| publish | Kafka ProducerPerformance, client defaults | ${n(r.publish.javaProducerDefaults.perSecond)} | 5 in flight, linger 5 ms |`,
    `| consume | npo Kafka-fed projector -> DuckDB | ${n(r.consume.npoKafkaProjection.perSecond)} | ${n(r.consume.npoKafkaProjection.afterFirstBatchPerSecond)} after the first batch (join ${r.consume.npoKafkaProjection.joinMs} ms) |`,
    `| consume | npo projector alone (in-memory feed) | ${n(r.consume.npoProjectorInMemory.perSecond)} | the projector's ceiling |`,
    `| consume | Kafka ConsumerPerformance | ${n(r.consume.javaConsumer.perSecond)} | ${n(r.consume.javaConsumer.fetchPerSecond)} fetch-only; reads, applies nothing |`,
    '',
    `End-to-end (append -> relay -> Kafka -> DuckDB commit) at ${n(r.latency.targetPerSecond)} events/s (achieved ${n(r.latency.achievedPerSecond)}) for ${r.latency.seconds} s: ` +
      `p50 ${r.latency.ms.p50} ms, p90 ${r.latency.ms.p90} ms, p99 ${r.latency.ms.p99} ms, max ${r.latency.ms.max} ms over ${n(r.latency.measured)} events; ${r.latency.unprojected} not projected.`,
    '',
    '| target | wanted | measured | met |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.what} | ${t.target} | ${t.measured} | ${t.met ? 'yes' : 'no'} |`),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const events = Number(process.argv[2] ?? 100_000);
  const seconds = Number(process.argv[3] ?? 20);
  const given = process.env['KAFKA_BROKERS'];
  const report = await runKafkaBenchmark({ events, latencySeconds: seconds, ...(given ? { brokers: given.split(',') } : {}), log: (line) => console.error(line) });
  const out = resolve(fileURLToPath(new URL('../../../../../bench-results', import.meta.url)));
  await mkdir(out, { recursive: true });
  const file = join(out, 'kafka.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${kafkaReportMarkdown(report)}\n\nResults: ${file}\n`);
  process.exit(0);
}
