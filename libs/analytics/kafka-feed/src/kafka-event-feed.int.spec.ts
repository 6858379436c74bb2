import { join } from 'node:path';
import { AnalyticsDatabase, hasReached, runProjector, type Checkpoint, type ProjectionSummary } from '@npo/analytics-model';
import { tempDir } from '@npo/analytics-model/testing';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { envelopeHeaders, type TopicPartitions } from '@npo/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsState, projectFromStore, projectInto, storeLogChecksum, type AnalyticsState } from '../test/support/analytics-state.js';
import { CommandDriver } from '../test/support/command-driver.js';
import { messaging, skipReason, unique, waitFor } from '../test/support/kafka.js';
import { createTopic, publishFromStore } from '../test/support/publish.js';
import { kafkaEventFeed } from './kafka-event-feed.js';

const expectEqualToReference = (state: AnalyticsState, reference: AnalyticsState): void => {
  expect(state.distinctEvents).toBe(state.events);
  expect(state.events).toBe(reference.events);
  expect(state.logChecksum).toBe(reference.logChecksum);
  expect(state.facts).toEqual(reference.facts);
  expect(state.streamsInOrder).toBe(true);
};

describe.skipIf(skipReason !== null)('Kafka feed into DuckDB (real broker, real DuckDB files)', () => {
  const dir = tempDir('kafka-feed');
  const m = messaging();
  let store: EventStore;
  let driver: CommandDriver;

  beforeAll(async () => {
    store = await openSqliteEventStore({ path: join(dir.path, 'events.sqlite') });
    driver = new CommandDriver(store, 40);
    await driver.run(1_500);
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  const fresh = async (label: string): Promise<AnalyticsState> => projectFromStore(store, join(dir.path, unique(`reference-${label}`)));

  it('projects every event once, equal to the store-fed projection, and a restart resumes from the DuckDB checkpoint', async () => {
    const topic = unique('feed');
    await createTopic(m, topic);
    const published = await publishFromStore(m, store, topic);
    const groupId = unique('analytics');
    const feed = kafkaEventFeed({ messaging: m, topic, groupId, heartbeatIntervalMs: 500 });
    const analytics = join(dir.path, unique('kafka'));

    const first = await projectInto(analytics, feed, await feed.head());
    expect(first.applied).toBe((await store.readAll()).length);
    expect(first.duplicates).toBe(0);

    await driver.run(400);
    await publishFromStore(m, store, topic, published);
    const second = await projectInto(analytics, feed, await feed.head());
    expect(second.applied).toBe(driver.events - first.applied);
    expect(second.duplicates).toBe(0);

    const state = await analyticsState(analytics, `kafka:${topic}`);
    const all = await store.readAll();
    expect(state.logChecksum).toBe(storeLogChecksum(all));
    expect(state.quarantined).toBe(0);
    expectEqualToReference(state, await fresh('restart'));
    // The checkpoint is the last offset of each partition.
    const admin = m.admin();
    await admin.connect();
    const ends = await admin.partitionOffsets(topic);
    await admin.disconnect();
    expect(state.checkpoint).toEqual(new Map(ends.map((o) => [o.partition, Number(o.high) - 1])));
  });

  it('drops the events an at-least-once relay published twice', async () => {
    const topic = unique('feed-dup');
    await createTopic(m, topic);
    await publishFromStore(m, store, topic);
    // A relay killed after Kafka acknowledged but before its checkpoint was saved publishes again.
    const all = await store.readAll();
    const from = all[Math.floor(all.length / 2)]!.globalPosition;
    await publishFromStore(m, store, topic, from);
    const republished = all.filter((e) => e.globalPosition > from).length;

    const feed = kafkaEventFeed({ messaging: m, topic, groupId: unique('analytics'), heartbeatIntervalMs: 500 });
    const analytics = join(dir.path, unique('kafka-dup'));
    const summary = await projectInto(analytics, feed, await feed.head());
    expect(summary.duplicates).toBe(republished);
    expect(summary.applied).toBe(all.length);
    expectEqualToReference(await analyticsState(analytics, `kafka:${topic}`), await fresh('dup'));
  });

  it('quarantines messages it cannot read, with the reason, and applies the rest', async () => {
    const topic = unique('feed-bad');
    await createTopic(m, topic, 1);
    const [good] = await store.readAll({ maxCount: 1 });
    const key = good!.streamId;
    // A type this code does not know (a newer producer), consistent with its headers.
    const unknown = { ...good!, id: '0193a5c0-0000-7000-8000-00000000beef', type: 'npo.SomethingNew', streamId: 'school-99ZZ', streamPosition: 0, globalPosition: 999_998 };
    const headersOf = (e: { id: string; type: string; schemaVersion: number; globalPosition: number }, globalPosition = e.globalPosition) => ({
      [envelopeHeaders.eventId]: e.id,
      [envelopeHeaders.eventType]: e.type,
      [envelopeHeaders.schemaVersion]: String(e.schemaVersion),
      [envelopeHeaders.globalPosition]: String(globalPosition),
    });
    const producer = m.producer();
    await producer.connect();
    await producer.send(topic, [
      { key, value: '{"id": "not json' },
      { key, value: JSON.stringify(good), headers: headersOf(good!, 999_999) },
      { key: unknown.streamId, value: JSON.stringify(unknown), headers: headersOf(unknown) },
    ]);
    await producer.disconnect();
    await publishFromStore(m, store, topic);

    const feed = kafkaEventFeed({ messaging: m, topic, groupId: unique('analytics'), heartbeatIntervalMs: 500 });
    const analytics = join(dir.path, unique('kafka-bad'));
    const summary = await projectInto(analytics, feed, await feed.head());
    expect(summary.quarantined).toBe(3);
    const db = await AnalyticsDatabase.open({ dir: analytics });
    const reasons = await db.read(async (conn) => (await conn.runAndReadAll('SELECT feed_offset, reason FROM quarantine ORDER BY feed_offset')).getRows());
    await db.close();
    expect(reasons.map(([offset]) => Number(offset))).toEqual([0, 1, 2]);
    expect(String(reasons[0]![1])).toMatch(/^unreadable Kafka message \(NOT_JSON: /);
    expect(String(reasons[1]![1])).toContain('HEADER_MISMATCH: header global-position is "999999"');
    expect(String(reasons[2]![1])).not.toContain('unreadable Kafka message'); // the contract's own check
    expect(String(reasons[2]![1])).toContain('npo.SomethingNew');
    // A copy the feed could not read does not stand in for the event: its correct copy is applied.
    expect(summary.applied).toBe((await store.readAll()).length);
    expect(summary.duplicates).toBe(0);
  });

  it('two consumers in one group: partitions move to the second and back; no database holds an event twice, and the first ends equal to the store', async () => {
    const topic = unique('feed-rebalance');
    await createTopic(m, topic);
    let published = await publishFromStore(m, store, topic);
    const groupId = unique('analytics');
    const options = { messaging: m, topic, groupId, heartbeatIntervalMs: 300, sessionTimeoutMs: 10_000, maxWaitMs: 100 } as const;

    /** One analytics database fed by one group member until stopped. */
    const member = (name: string) => {
      const analytics = join(dir.path, unique(name));
      const assignments: number[][] = [];
      let checkpoint: Checkpoint = new Map();
      const stop = new AbortController();
      const done = (async (): Promise<ProjectionSummary> => {
        const db = await AnalyticsDatabase.open({ dir: analytics });
        const lease = await db.lease();
        try {
          const feed = kafkaEventFeed({ ...options, onAssigned: (a: readonly TopicPartitions[]) => assignments.push(a.flatMap((tp) => [...tp.partitions])) });
          return await runProjector(lease.conn, { feed, signal: stop.signal, maxBatchSize: 200, onBatch: (_r, c) => (checkpoint = new Map(c)) });
        } finally {
          lease.release();
          await db.close();
        }
      })();
      return { analytics, assignments, checkpoint: () => checkpoint, stop: () => stop.abort(), done, owns: () => assignments.at(-1)?.length ?? 0 };
    };

    const a = member('member-a');
    await waitFor('A to own all three partitions', () => a.owns() === 3);

    // Commands keep arriving, and being published, while the group changes.
    const stopLoad = new AbortController();
    const load = (async () => {
      while (!stopLoad.signal.aborted) {
        await driver.run(50);
        published = await publishFromStore(m, store, topic, published);
      }
    })();

    const b = member('member-b');
    await waitFor('B to get partitions', () => b.owns() > 0);
    await waitFor('A to give some up', () => a.owns() < 3);
    await waitFor('B to apply something', () => b.checkpoint().size > 0);
    b.stop();
    const summaryB = await b.done;
    await waitFor('A to own all three again', () => a.owns() === 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stopLoad.abort();
    await load;

    const head = await kafkaEventFeed(options).head();
    await waitFor('A to reach the head of every partition', () => hasReached(a.checkpoint(), head));
    a.stop();
    const summaryA = await a.done;

    // B took part of the history and A continued after B from its own checkpoint, not from the
    // group's committed offsets (which B had moved ahead).
    expect(summaryB.applied).toBeGreaterThan(0);
    const stateA = await analyticsState(a.analytics, `kafka:${topic}`);
    expect(stateA.logChecksum).toBe(storeLogChecksum(await store.readAll()));
    expectEqualToReference(stateA, await fresh('rebalance'));
    expect(summaryA.applied).toBe(stateA.events);
    const stateB = await analyticsState(b.analytics, `kafka:${topic}`);
    expect(stateB.distinctEvents).toBe(stateB.events);
    expect(stateB.events).toBe(summaryB.applied);
    expect(stateB.streamsInOrder).toBe(true);

    // B alone later catches up from its own checkpoint and ends equal too.
    await projectInto(b.analytics, kafkaEventFeed(options), head);
    expectEqualToReference(await analyticsState(b.analytics, `kafka:${topic}`), stateA);
  });
});
