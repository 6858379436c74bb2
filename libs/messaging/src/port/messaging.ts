import type { TopicAdmin } from './admin.js';
import type { ConsumerOptions, MessageConsumer } from './consumer.js';
import type { MessageProducer, ProducerOptions } from './producer.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Where the client library's own log lines go; without one they are dropped. */
export type MessagingLogger = (level: LogLevel, message: string, fields: Readonly<Record<string, unknown>>) => void;

export interface KafkaConnection {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Default 3000. */
  readonly connectionTimeoutMs?: number;
  /** Default 30000. */
  readonly requestTimeoutMs?: number;
  /**
   * Retries of a failed request, with exponential back-off capped at 5 s. Default 12, which rides out
   * a broker restart of about half a minute.
   */
  readonly retries?: number;
  readonly logger?: MessagingLogger;
  readonly logLevel?: LogLevel;
}

/** The Kafka port: everything else in the project reaches Kafka through these three. */
export interface Messaging {
  producer(options?: ProducerOptions): MessageProducer;
  consumer(options: ConsumerOptions): MessageConsumer;
  admin(): TopicAdmin;
}
