import { kafkaUnderTest, unique, waitFor } from '@npo/kafka-local/vitest';
import { createKafkaMessaging, type ConsumerOptions, type Messaging } from '../src/index.js';

export const kafka = kafkaUnderTest();
/** For `describe.skipIf(...)`. */
export const skipReason = kafka.skipReason;
export { unique, waitFor };

export function messaging(clientId = 'messaging-int', brokers: readonly string[] = kafka.brokers): Messaging {
  return createKafkaMessaging({ brokers, clientId });
}

/** Both consumers the library has: the client on the caller's thread, and on a thread of its own. */
export const consumerThreads = [
  { thread: "the caller's thread", offThread: false },
  { thread: 'a thread of its own', offThread: true },
] as const;

/** `messaging()` whose consumers run on the given thread unless a test says otherwise. */
export function messagingWith(offThread: boolean, clientId?: string): Messaging {
  const m = messaging(clientId);
  return { ...m, consumer: (options: ConsumerOptions) => m.consumer({ offThread, ...options }) };
}
