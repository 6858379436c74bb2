import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKafkaMessaging, type Messaging } from '@npo/messaging';
import { inject } from 'vitest';

export const kafka = inject('kafka');
/** For `describe.skipIf(...)`; printed once per file so a skipped run says why. */
export const skipReason = kafka.skipReason;
if (skipReason) console.warn(`Kafka integration tests skipped: ${skipReason}`);

export function messaging(clientId = 'kafka-feed-int', brokers: readonly string[] = kafka.brokers): Messaging {
  return createKafkaMessaging({ brokers, clientId });
}

/** Topics and groups are never reused between runs: the broker keeps its data. */
export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 90_000, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}
