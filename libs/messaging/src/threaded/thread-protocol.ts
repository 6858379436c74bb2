import type { ConsumerOptions } from '../port/consumer.js';
import type { TopicPartitions } from '../port/message.js';
import type { KafkaConnection, LogLevel } from '../port/messaging.js';
import { MessagingStateError, StoredOffsetOutOfRangeError } from '../errors.js';
import type { PackedBatch } from './batch-transfer.js';

/** What the consumer thread is started with: the options without their functions, which stay on the caller's side. */
export interface ConsumerThreadInit {
  readonly connection: Omit<KafkaConnection, 'logger'> & { readonly forwardLogs: boolean };
  readonly options: Omit<ConsumerOptions, 'offsets' | 'onAssigned' | 'onError' | 'offThread'> & {
    readonly offsets: { readonly kind: 'kafka'; readonly fromBeginning?: boolean } | { readonly kind: 'external'; readonly commitToKafka?: boolean };
  };
}

/** An error as it crosses threads; the library's own errors are made again as their classes. */
export interface CarriedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly outOfRange?: { readonly topic: string; readonly partition: number; readonly stored: bigint; readonly low: bigint; readonly high: bigint };
  readonly state?: true;
}

export type FromConsumerThread =
  | { readonly kind: 'started' }
  | { readonly kind: 'start-failed'; readonly error: CarriedError }
  | { readonly kind: 'batch'; readonly id: number; readonly batch: PackedBatch }
  | { readonly kind: 'stale'; readonly id: number }
  | { readonly kind: 'offsets'; readonly id: number; readonly topic: string; readonly partitions: readonly number[] }
  | { readonly kind: 'heartbeat-done'; readonly id: number; readonly error?: CarriedError }
  | { readonly kind: 'assigned'; readonly assignment: readonly TopicPartitions[] }
  | { readonly kind: 'error'; readonly error: CarriedError; readonly restarting: boolean }
  | { readonly kind: 'log'; readonly level: LogLevel; readonly message: string; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly kind: 'stopped' };

export type ToConsumerThread =
  | { readonly kind: 'batch-done'; readonly id: number; readonly error?: CarriedError }
  | { readonly kind: 'offsets-reply'; readonly id: number; readonly offsets?: readonly (readonly [number, bigint])[]; readonly error?: CarriedError }
  | { readonly kind: 'heartbeat'; readonly id: number; readonly batch: number }
  | { readonly kind: 'stop' };

export function carryError(error: unknown): CarriedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const base = { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
  if (error instanceof StoredOffsetOutOfRangeError) {
    const { topic, partition, stored, low, high } = error;
    return { ...base, outOfRange: { topic, partition, stored, low, high } };
  }
  if (error instanceof MessagingStateError) return { ...base, state: true };
  return base;
}

export function revive(carried: CarriedError): Error {
  let error: Error;
  if (carried.outOfRange) {
    const { topic, partition, stored, low, high } = carried.outOfRange;
    error = new StoredOffsetOutOfRangeError(topic, partition, stored, low, high);
  } else if (carried.state) {
    error = new MessagingStateError(carried.message);
  } else {
    error = new Error(carried.message);
    error.name = carried.name;
  }
  if (carried.stack !== undefined) error.stack = carried.stack;
  return error;
}
