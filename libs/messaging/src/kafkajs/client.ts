import { Kafka, logLevel as KafkaLogLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { KafkaConnection, LogLevel, MessagingLogger } from '../port/messaging.js';
import { installRecordEncoder } from './record-encoder.js';

const toKafkaLevel: Record<LogLevel, KafkaLogLevel> = {
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

function fromKafkaLevel(level: KafkaLogLevel): LogLevel {
  if (level <= KafkaLogLevel.ERROR) return 'error';
  if (level === KafkaLogLevel.WARN) return 'warn';
  if (level === KafkaLogLevel.INFO) return 'info';
  return 'debug';
}

function logCreatorFor(logger: MessagingLogger): logCreator {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, ...fields } = log;
      logger(fromKafkaLevel(level), message, { namespace, ...fields });
    };
}

export function createKafka(connection: KafkaConnection): Kafka {
  // Before the first produce request loads kafkajs' encoder; a no-op after the first call.
  installRecordEncoder();
  const { logger } = connection;
  return new Kafka({
    clientId: connection.clientId,
    brokers: [...connection.brokers],
    connectionTimeout: connection.connectionTimeoutMs ?? 3000,
    requestTimeout: connection.requestTimeoutMs ?? 30_000,
    retry: { retries: connection.retries ?? 12, initialRetryTime: 300, maxRetryTime: 5000 },
    ...(logger
      ? { logLevel: toKafkaLevel[connection.logLevel ?? 'warn'], logCreator: logCreatorFor(logger) }
      : { logLevel: KafkaLogLevel.NOTHING }),
  });
}
