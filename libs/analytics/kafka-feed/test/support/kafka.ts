import { createKafkaMessaging, type Messaging } from '@npo/messaging';
import { kafkaUnderTest, unique, waitFor as waitUntil } from '@npo/kafka-local/vitest';

export const kafka = kafkaUnderTest();
/** For `describe.skipIf(...)`. */
export const skipReason = kafka.skipReason;
export { unique };

/** Pipelines of child processes and rebalances are slow to settle: a longer default wait. */
export const waitFor = (what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 90_000, pollMs = 100): Promise<void> =>
  waitUntil(what, condition, timeoutMs, pollMs);

export function messaging(clientId = 'kafka-feed-int', brokers: readonly string[] = kafka.brokers): Messaging {
  return createKafkaMessaging({ brokers, clientId });
}
