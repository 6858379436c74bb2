import { createKafkaMessaging, decodeEnvelope, type Messaging, type ReceivedMessage } from '@npo/messaging';
import type { RecordedEvent } from '@npo/contracts';
import { kafkaUnderTest, unique as uniqueName, waitFor } from '@npo/kafka-local/vitest';

export const kafka = kafkaUnderTest();
/** For `describe.skipIf(...)`. */
export const skipReason = kafka.skipReason;
export { waitFor };

// A shared broker holds other people's topics too: NPO_TEST_TOPIC_PREFIX marks this run's own.
const namePrefix = process.env['NPO_TEST_TOPIC_PREFIX'] ?? '';
/** A fresh topic or group name. */
export const unique = (name: string): string => uniqueName(`${namePrefix}${name}`);

export function messaging(clientId = 'event-relay-int'): Messaging {
  return createKafkaMessaging({ brokers: kafka.brokers, clientId });
}

export interface TopicContents {
  readonly messages: readonly ReceivedMessage[];
  readonly events: readonly RecordedEvent[];
  /** Messages that did not decode as envelopes (there should be none). */
  readonly undecodable: number;
}

/** Every message of `topic` from the beginning: waits until the log ends hold `atLeast` messages in total. */
export async function readTopic(m: Messaging, topic: string, atLeast: number): Promise<TopicContents> {
  const admin = m.admin();
  await admin.connect();
  try {
    await waitFor(`${atLeast} messages in ${topic}`, async () => {
      const offsets = await admin.partitionOffsets(topic);
      return offsets.reduce((n, o) => n + Number(o.high - o.low), 0) >= atLeast;
    });
    const ends = await admin.partitionOffsets(topic);
    const total = ends.reduce((n, o) => n + Number(o.high - o.low), 0);
    const messages: ReceivedMessage[] = [];
    const consumer = m.consumer({ groupId: unique('reader'), topics: [topic], offsets: { kind: 'kafka', fromBeginning: true }, maxWaitMs: 200 });
    await consumer.start(async (batch) => {
      messages.push(...batch.messages);
    });
    try {
      await waitFor(`reading ${total} messages of ${topic}`, () => messages.length >= total);
    } finally {
      await consumer.stop();
    }
    const events: RecordedEvent[] = [];
    let undecodable = 0;
    const inLogOrder = [...messages].sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
    for (const message of inLogOrder) {
      const decoded = decodeEnvelope(message);
      if (decoded.ok) events.push(decoded.event);
      else undecodable++;
    }
    return { messages: inLogOrder, events, undecodable };
  } finally {
    await admin.disconnect();
  }
}
