import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { javaCommand, type KafkaLocalOptions } from '@npo/kafka-local';
import { recordedBenchEvent } from './fixtures.js';

/** What one of Kafka's own perf tools reported about itself (its own clock, JVM start excluded). */
export interface JavaToolResult {
  readonly records: number;
  readonly perSecond: number;
  /** ConsumerPerformance: excluding the group join (fetch.nMsg.sec). */
  readonly fetchPerSecond?: number;
  readonly mbPerSecond: number;
  readonly line: string;
}

function run(command: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${args.find((a) => a.includes('Performance'))} exited ${code}: ${err || out.slice(-2_000)}`));
    });
  });
}

/** A file of real envelopes (one JSON per line) for ProducerPerformance's --payload-file: the same values our producers send. */
export async function writePayloadFile(path: string, samples = 2_000): Promise<void> {
  await writeFile(path, `${Array.from({ length: samples }, (_, i) => JSON.stringify(recordedBenchEvent(i))).join('\n')}\n`);
}

/**
 * org.apache.kafka.tools.ProducerPerformance, acks=all and idempotent like the relay; `props` adds the
 * batching settings (e.g. max.in.flight.requests.per.connection=1, which kafkajs is limited to).
 */
export async function producerPerformance(
  broker: KafkaLocalOptions,
  bootstrap: string,
  topic: string,
  records: number,
  payloadFile: string,
  props: readonly string[],
): Promise<JavaToolResult> {
  const { command, args } = await javaCommand(
    'org.apache.kafka.tools.ProducerPerformance',
    [
      '--topic', topic,
      '--num-records', String(records),
      '--payload-file', payloadFile,
      '--throughput', '-1',
      '--command-property', `bootstrap.servers=${bootstrap}`, 'acks=all', 'enable.idempotence=true', ...props,
    ],
    broker,
  );
  return parseProducerPerformance(await run(command, args, 300_000));
}

/** The final summary line of ProducerPerformance (it also prints running totals every 5 s). */
export function parseProducerPerformance(out: string): JavaToolResult {
  const line = out.trim().split('\n').filter((l) => l.includes('records sent')).at(-1) ?? '';
  const m = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(line);
  if (m === null) throw new Error(`unexpected ProducerPerformance output: ${out.slice(-1_000)}`);
  return { records: Number(m[1]), perSecond: Number(m[2]), mbPerSecond: Number(m[3]), line };
}

/** org.apache.kafka.tools.ConsumerPerformance over the first `records` messages of `topic`, in a new group. */
export async function consumerPerformance(broker: KafkaLocalOptions, bootstrap: string, topic: string, records: number): Promise<JavaToolResult> {
  const { command, args } = await javaCommand(
    'org.apache.kafka.tools.ConsumerPerformance',
    ['--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(records), '--timeout', '60000', '--group', `perf-${Date.now()}`],
    broker,
  );
  return parseConsumerPerformance(await run(command, args, 300_000));
}

/** ConsumerPerformance's CSV row (after its header and any deprecation warnings). */
export function parseConsumerPerformance(out: string): JavaToolResult {
  const rows = out.trim().split('\n').filter((l) => /^\d{4}-/.test(l));
  const line = rows.at(-1) ?? '';
  // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const cells = line.split(',').map((c) => c.trim());
  if (cells.length < 10) throw new Error(`unexpected ConsumerPerformance output: ${out.slice(-1_000)}`);
  return { records: Number(cells[4]), perSecond: Number(cells[5]), fetchPerSecond: Number(cells[9]), mbPerSecond: Number(cells[3]), line };
}
