import { kafkaUnderTest, unique, waitFor } from '@npo/kafka-local/vitest';
import { createKafkaMessaging, type Messaging } from '../src/index.js';

export const kafka = kafkaUnderTest();
/** For `describe.skipIf(...)`. */
export const skipReason = kafka.skipReason;
export { unique, waitFor };

export function messaging(clientId = 'messaging-int', brokers: readonly string[] = kafka.brokers): Messaging {
  return createKafkaMessaging({ brokers, clientId });
}
