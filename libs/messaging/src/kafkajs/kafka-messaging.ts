import type { Kafka } from 'kafkajs';
import type { TopicAdmin } from '../port/admin.js';
import type { ConsumerOptions, MessageConsumer } from '../port/consumer.js';
import type { KafkaConnection, Messaging } from '../port/messaging.js';
import type { MessageProducer, ProducerOptions } from '../port/producer.js';
import { KafkajsTopicAdmin } from './admin.js';
import { createKafka } from './client.js';
import { KafkajsConsumer } from './consumer.js';
import { KafkajsProducer } from './producer.js';
import { ThreadedConsumer } from '../threaded/threaded-consumer.js';

/** The Kafka port backed by kafkajs. Swapping the client library means another implementation of `Messaging`. */
export function createKafkaMessaging(connection: KafkaConnection): Messaging {
  const kafka: Kafka = createKafka(connection);
  return {
    producer: (options?: ProducerOptions): MessageProducer => new KafkajsProducer(kafka, options),
    consumer: (options: ConsumerOptions): MessageConsumer => (options.offThread === true ? new ThreadedConsumer(connection, options) : new KafkajsConsumer(kafka, options)),
    admin: (): TopicAdmin => new KafkajsTopicAdmin(kafka),
  };
}
