import type { KafkaConnection } from './port/messaging.js';

/** `KAFKA_BROKERS` = comma-separated `host:port` list (default `127.0.0.1:9092`, the kafka-local broker). */
export function kafkaConnectionFromEnv(clientId: string, env: Readonly<Record<string, string | undefined>> = process.env): KafkaConnection {
  const brokers = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  for (const b of brokers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(b)) throw new Error(`KAFKA_BROKERS entry "${b}" is not host:port`);
  }
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is empty');
  return { brokers, clientId };
}
