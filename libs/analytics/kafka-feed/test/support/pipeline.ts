import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hasReached } from '@npo/analytics-model';
import type { EventStore } from '@npo/event-store';
import type { Messaging } from '@npo/messaging';
import { waitFor } from './kafka.js';
import { lastCheckpoint, type Child } from './processes.js';

/** The relay's saved position (-1 before its first save). */
export async function relayCheckpoint(dataDir: string, topic: string): Promise<number> {
  try {
    const saved = JSON.parse(await readFile(join(dataDir, 'event-relay', `${topic}.checkpoint.json`), 'utf8')) as { globalPosition: number };
    return saved.globalPosition;
  } catch {
    return -1;
  }
}

/** Offset of the last message per partition. */
export async function topicHead(m: Messaging, topic: string): Promise<Map<number, number>> {
  const admin = m.admin();
  await admin.connect();
  try {
    return new Map((await admin.partitionOffsets(topic)).map((o) => [o.partition, Number(o.high) - 1]));
  } finally {
    await admin.disconnect();
  }
}

/** Waits until the relay published the whole store and the projector applied the whole topic. */
export async function drained(m: Messaging, store: EventStore, dataDir: string, topic: string, projector: Child, timeoutMs = 120_000): Promise<void> {
  const head = await store.headPosition();
  await waitFor(`the relay to publish up to ${head}`, async () => (await relayCheckpoint(dataDir, topic)) >= head, timeoutMs);
  const offsets = await topicHead(m, topic);
  await waitFor(`the projector to apply the topic up to ${JSON.stringify([...offsets])}`, () => hasReached(lastCheckpoint(projector), offsets), timeoutMs);
}
