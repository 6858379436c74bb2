import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { MessagingStateError } from '../errors.js';
import type { OutgoingMessage } from '../port/message.js';
import type { DeliveredPartition, MessageProducer, ProducerOptions } from '../port/producer.js';
import { chunkBySize } from '../send-chunks.js';

export class KafkajsProducer implements MessageProducer {
  private readonly producer: Producer;
  private connected = false;
  // Sends run one after the other: kafkajs' idempotent producer breaks (OUT_OF_ORDER_SEQUENCE_NUMBER)
  // with concurrent requests, and queuing also keeps the order of messages across calls.
  private queue: Promise<unknown> = Promise.resolve();
  private readonly maxBatchBytes: number;
  private readonly compression: CompressionTypes;

  constructor(kafka: Kafka, options: ProducerOptions = {}) {
    const idempotent = options.idempotent ?? true;
    this.producer = kafka.producer({
      idempotent,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 on the key: the same key lands on the same partition as with Kafka's own clients.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.maxBatchBytes = options.maxBatchBytes ?? 512 * 1024;
    this.compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  send(topic: string, messages: readonly OutgoingMessage[]): Promise<readonly DeliveredPartition[]> {
    if (!this.connected) return Promise.reject(new MessagingStateError('send() before connect()'));
    const run = this.queue.then(() => this.sendNow(topic, messages));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async disconnect(): Promise<void> {
    this.connected = false;
    await this.queue;
    await this.producer.disconnect();
  }

  private async sendNow(topic: string, messages: readonly OutgoingMessage[]): Promise<readonly DeliveredPartition[]> {
    const first = new Map<number, bigint>();
    for (const chunk of chunkBySize(messages, this.maxBatchBytes)) {
      const metadata = await this.producer.send({
        topic,
        acks: -1,
        compression: this.compression,
        messages: chunk.map((m) => ({
          key: m.key,
          value: m.value,
          ...(m.headers ? { headers: { ...m.headers } } : {}),
          ...(m.partition !== undefined ? { partition: m.partition } : {}),
        })),
      });
      for (const r of metadata) {
        if (r.baseOffset !== undefined && !first.has(r.partition)) first.set(r.partition, BigInt(r.baseOffset));
      }
    }
    return [...first].sort(([a], [b]) => a - b).map(([partition, baseOffset]) => ({ topic, partition, baseOffset }));
  }
}
