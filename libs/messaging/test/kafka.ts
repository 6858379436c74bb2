import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { createKafkaMessaging, type Messaging } from '../src/index.js';

export const kafka = inject('kafka');
/** For `describe.skipIf(...)`; printed once per file so a skipped run says why. */
export const skipReason = kafka.skipReason;
if (skipReason) console.warn(`Kafka integration tests skipped: ${skipReason}`);

export function messaging(clientId = 'messaging-int', brokers: readonly string[] = kafka.brokers): Messaging {
  return createKafkaMessaging({ brokers, clientId });
}

/** Topics and groups are never reused between runs: the broker keeps its data. */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
