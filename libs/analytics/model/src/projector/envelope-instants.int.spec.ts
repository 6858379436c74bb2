import { join } from 'node:path';
import type { RecordedEvent } from '@npo/contracts';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, describe, expect, it } from 'vitest';
import { AnalyticsDatabase } from '../db/analytics-database.js';
import type { EventFeed, FeedBatch } from '../feed/event-feed.port.js';
import { appendSteps, ev, school } from '../testing/events.js';
import { tempDir } from '../testing/temp-dir.js';
import { runProjector } from './projector.js';

const Y1 = '2021-2022';

/** A trusted feed (envelopes not validated by the contract, as the store feed) over a fixed list, one batch. */
function trustedList(events: readonly RecordedEvent[]): EventFeed {
  return {
    name: 'store',
    trusted: true,
    subscribe: (): AsyncIterable<FeedBatch> => ({
      async *[Symbol.asyncIterator]() {
        yield { entries: events.map((payload, i) => ({ partition: 0, offset: i, payload })) };
      },
    }),
    head: async () => new Map([[0, events.length - 1]]),
  };
}

describe('instants in envelopes the contract did not check', () => {
  const tmp = tempDir('npo-instants-');
  afterAll(() => tmp.remove());

  it('quarantines an instant DuckDB could not hold instead of failing the batch, and keeps offsets to the microsecond', async () => {
    const store = await openSqliteEventStore({ path: join(tmp.path, 'events.sqlite') });
    await appendSteps(store, [
      ev.registered(school('16SW', 'GM0363'), '2021-03-01'),
      ev.chosen('16SW', Y1, 'B3', 900_000, '2021-05-12'),
      ev.chosen('16SW', Y1, 'A3', 500_000, '2021-05-13'),
      ev.chosen('16SW', Y1, 'C2', 250_000, '2021-05-14'),
      ev.chosen('16SW', Y1, 'B1', 100_000, '2021-05-15'),
    ]);
    const stored = await store.readAll();
    await store.close();
    const [registered, b3, a3, c2, b1] = stored as [RecordedEvent, RecordedEvent, RecordedEvent, RecordedEvent, RecordedEvent];
    const events = [
      registered,
      { ...b3, occurredAt: '2021-02-29T10:00:00Z' },
      { ...a3, occurredAt: '2021-05-13T10:00Z' },
      { ...c2, occurredAt: '2021-05-14T12:30:00.123456+02:00' },
      b1,
    ];

    const db = await AnalyticsDatabase.open({ dir: join(tmp.path, 'analytics') });
    const lease = await db.lease();
    try {
      const summary = await runProjector(lease.conn, { feed: trustedList(events), until: new Map([[0, events.length - 1]]) });
      expect(summary).toMatchObject({ applied: 3, quarantined: 2 });
      const quarantined = (await lease.conn.runAndReadAll('SELECT event_id, reason FROM quarantine ORDER BY global_position')).getRows();
      expect(quarantined).toEqual([
        [b3.id, 'invalid envelope: occurredAt is not an ISO 8601 instant with offset'],
        [a3.id, 'invalid envelope: occurredAt is not an ISO 8601 instant with offset'],
      ]);
      const choices = (await lease.conn.runAndReadAll('SELECT code, epoch_us(valid_from) FROM choice ORDER BY code')).getRows();
      expect(choices).toEqual([
        ['B1', BigInt(Date.parse(b1.occurredAt)) * 1000n],
        ['C2', BigInt(Date.UTC(2021, 4, 14, 10, 30, 0, 123)) * 1000n + 456n],
      ]);
    } finally {
      lease.release();
      await db.close();
    }
  });
});
