import { join } from 'node:path';
import type { RecordedEvent } from '@npo/contracts';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, describe, expect, it } from 'vitest';
import { appendSteps } from '../testing/events.js';
import { generateHistory } from '../testing/history.js';
import { redeliveringFeed } from '../testing/redelivering-feed.js';
import { tempDir } from '../testing/temp-dir.js';
import { AnalyticsDatabase } from '../db/analytics-database.js';
import type { EventFeed, FeedEntry } from '../feed/event-feed.port.js';
import { storeEventFeed } from '../feed/store-event-feed.js';
import { readCheckpoint } from './checkpoint-store.js';
import { runProjector } from './projector.js';

describe('idempotent projection', () => {
  const dir = tempDir('analytics-idempotent');
  afterAll(() => dir.remove());

  it('applies every event once although an at-least-once feed delivers some twice, and keeps offsets per partition', async () => {
    const store = await openSqliteEventStore({ path: join(dir.path, 'a.sqlite') });
    await appendSteps(store, generateHistory(30, 3));
    const events = await store.readAll();
    await store.close();
    const { feed, partitions } = redeliveringFeed(events);
    const delivered = [...partitions.values()].reduce((n, l) => n + l.length, 0);
    expect(delivered).toBeGreaterThan(events.length);
    expect(partitions.get(0)?.length).toBeGreaterThan(0);
    expect(partitions.get(1)?.length).toBeGreaterThan(0);

    const db = await AnalyticsDatabase.open({ dir: join(dir.path, 'kafka-like') });
    // This feed ends once it has delivered everything, so the projector returns without `until`.
    const first = await db.read((conn) => runProjector(conn, { feed, maxBatchSize: 17 }));
    expect(first.duplicates).toBe(delivered - events.length);
    const result = await db.read(async (conn) => {
      const [n, distinct] = (await conn.runAndReadAll('SELECT count(*), count(DISTINCT event_id) FROM projected_event')).getRows()[0] ?? [];
      const [choices] = (await conn.runAndReadAll('SELECT count(*) FROM choice')).getRows()[0] ?? [];
      return { n: Number(n), distinct: Number(distinct), choices: Number(choices), checkpoint: await readCheckpoint(conn, feed.name) };
    });
    expect(result.n).toBe(events.length);
    expect(result.distinct).toBe(events.length);
    expect(result.choices).toBe(events.filter((e) => e.type === 'npo.InterventionChosen').length);
    expect(result.checkpoint).toEqual(await feed.head());

    // Delivering the whole feed again from the start changes nothing.
    const again = await db.read(async (conn) => {
      await conn.run(`DELETE FROM feed_checkpoint`);
      const s = await runProjector(conn, { feed });
      const [n] = (await conn.runAndReadAll('SELECT count(*) FROM projected_event')).getRows()[0] ?? [];
      return { s, n: Number(n) };
    });
    expect(again.s.applied).toBe(0);
    expect(again.s.duplicates).toBe(delivered);
    expect(again.n).toBe(events.length);
    await db.close();
  });

  it('drops a redelivery by its event id, and quarantines another event at a position applied or passed before', async () => {
    const store = await openSqliteEventStore({ path: join(dir.path, 'c.sqlite') });
    await appendSteps(store, generateHistory(10, 8));
    const events = await store.readAll();
    await store.close();
    const victim = events.find((e) => e.streamPosition === 1) as RecordedEvent;
    const impostor = { ...structuredClone(victim), id: '0193a7b0-0000-7000-8000-000000000001' };
    // A position the feed skipped (the stream went on without it), delivered late under its own id.
    const skipped = events.find((e) => e.streamId !== victim.streamId && e.streamPosition === 2) as RecordedEvent;
    const inOrder = events.filter((e) => e !== skipped);
    const lateSkipped = { ...structuredClone(skipped), id: '0193a7b0-0000-7000-8000-000000000002' };
    // The repeat spells its id in capitals: the same UUID, so still a repeat.
    const entries: FeedEntry[] = [...inOrder, { ...structuredClone(victim), id: victim.id.toUpperCase() }, impostor, lateSkipped].map((payload, offset) => ({ partition: 0, offset, payload }));
    const feed: EventFeed = {
      name: 'kafka:npo.events.v1',
      trusted: false,
      subscribe: () => ({
        async *[Symbol.asyncIterator]() {
          for (let i = 0; i < entries.length; i += 25) yield { entries: entries.slice(i, i + 25) };
        },
      }),
      head: async () => new Map([[0, entries.length - 1]]),
    };
    const db = await AnalyticsDatabase.open({ dir: join(dir.path, 'conflicts') });
    const summary = await db.read((conn) => runProjector(conn, { feed }));
    expect(summary.duplicates).toBe(1);
    expect(summary.quarantined).toBe(2);
    const seen = await db.read(async (conn) => ({
      projected: Number((await conn.runAndReadAll('SELECT count(*) FROM projected_event')).getRows()[0]?.[0]),
      atVictim: (await conn.runAndReadAll(`SELECT event_id::VARCHAR FROM projected_event WHERE stream_id = $1 AND stream_position = 1`, [victim.streamId])).getRows().map((r) => String(r[0])),
      reasons: (await conn.runAndReadAll('SELECT event_id, reason FROM quarantine ORDER BY feed_offset')).getRows().map(([id, reason]) => [String(id), String(reason)]),
    }));
    expect(seen.projected).toBe(inOrder.length);
    expect(seen.atVictim).toEqual([victim.id]);
    // The feed delivers the quarantined two again (at least once): repeats, not new quarantine rows.
    const again = entries.slice(-2).map((e, i) => ({ ...e, offset: entries.length + i }));
    const repeatFeed: EventFeed = { ...feed, subscribe: () => ({ async *[Symbol.asyncIterator]() { yield { entries: again }; } }), head: async () => new Map([[0, entries.length + 1]]) };
    const repeated = await db.read((conn) => runProjector(conn, { feed: repeatFeed }));
    expect(repeated).toMatchObject({ duplicates: 2, quarantined: 0 });
    expect(seen.reasons).toEqual([
      [impostor.id, expect.stringMatching(new RegExp(`conflicts with event ${victim.id}, applied before at position 1`))],
      [lateSkipped.id, expect.stringMatching(/arrived after a later event .*position 2 was passed without it/)],
    ]);
    await db.close();
  });

  it('rolls a failed batch back completely and applies it on the next run', async () => {
    const store = await openSqliteEventStore({ path: join(dir.path, 'b.sqlite') });
    await appendSteps(store, generateHistory(15, 5));
    const events = await store.readAll();
    const feed = storeEventFeed(store);
    const db = await AnalyticsDatabase.open({ dir: join(dir.path, 'rollback') });
    let batches = 0;
    const failing = db.read((conn) =>
      runProjector(conn, {
        feed,
        until: new Map([[0, events.at(-1)?.globalPosition ?? -1]]),
        maxBatchSize: 10,
        hooks: {
          beforeCommit: () => {
            batches++;
            if (batches === 2) throw new Error('disk full (simulated)');
          },
        },
      }),
    );
    await expect(failing).rejects.toThrow('disk full');
    const afterFailure = await db.read(async (conn) => {
      const [n] = (await conn.runAndReadAll('SELECT count(*) FROM projected_event')).getRows()[0] ?? [];
      return { n: Number(n), checkpoint: await readCheckpoint(conn, 'store') };
    });
    expect(afterFailure.n).toBe(10);
    expect(afterFailure.checkpoint.get(0)).toBe(events[9]?.globalPosition);

    const resumed = await db.read((conn) => runProjector(conn, { feed, until: new Map([[0, events.at(-1)?.globalPosition ?? -1]]), maxBatchSize: 10 }));
    expect(resumed.duplicates).toBe(0);
    const n = await db.read(async (conn) => Number((await conn.runAndReadAll('SELECT count(DISTINCT event_id) FROM projected_event')).getRows()[0]?.[0]));
    expect(n).toBe(events.length);
    await db.close();
    await store.close();
  });
});
