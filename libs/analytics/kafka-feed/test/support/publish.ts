import type { EventStore } from '@npo/event-store';
import { encodeEnvelope, type Messaging } from '@npo/messaging';

/** Creates the topic as the relay does (3 partitions unless told otherwise). */
export async function createTopic(m: Messaging, topic: string, partitions = 3): Promise<void> {
  const admin = m.admin();
  await admin.connect();
  try {
    await admin.ensureTopic({ topic, partitions, replicationFactor: 1, config: { 'retention.ms': '-1' } });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Publishes the store's events after `after` the way the relay does (same codec, same key), for
 * in-process tests of the feed; the end-to-end tests run the built relay itself.
 */
export async function publishFromStore(m: Messaging, store: EventStore, topic: string, after = -1): Promise<number> {
  const producer = m.producer();
  await producer.connect();
  try {
    const events = await store.readAll({ after });
    for (let i = 0; i < events.length; i += 1_000) await producer.send(topic, events.slice(i, i + 1_000).map(encodeEnvelope));
    return events.at(-1)?.globalPosition ?? after;
  } finally {
    await producer.disconnect();
  }
}
