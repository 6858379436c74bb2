import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { collectUntil, newEvent, newEvents, rejectionOf } from '../contract/contract-helpers.js';
import { eventStoreContract } from '../contract/event-store.contract.js';
import { EventStoreUnavailableError, WrongExpectedVersionError } from '../errors.js';
import type { AppendResult } from '../event-store.port.js';
import { latestSchemaVersion } from './migrations.js';
import { openSqliteEventStore } from './sqlite-event-store.js';

const dir = mkdtempSync(join(tmpdir(), 'npo-event-store-'));
let files = 0;
const freshPath = (): string => join(dir, `store-${++files}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

eventStoreContract('sqlite', () => openSqliteEventStore({ path: freshPath() }));

describe('SQLite event store', () => {
  it('starts empty, creates the schema once and keeps events across reopen', async () => {
    const path = freshPath();
    const first = await openSqliteEventStore({ path, clock: () => new Date('2021-07-10T08:00:00Z') });
    expect(await first.headPosition()).toBe(-1);
    const events = newEvents(3);
    const r = await first.append('school-16SW', events, { expectedVersion: 'no_stream' });
    await first.close();

    const second = await openSqliteEventStore({ path });
    const read = await second.readStream('school-16SW');
    expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(read.map((e) => e.recordedAt)).toEqual(Array(3).fill('2021-07-10T08:00:00.000Z'));
    expect(await second.headPosition()).toBe(r.lastGlobalPosition);
    await second.close();

    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(
        Array.from({ length: latestSchemaVersion() }, (_, i) => i + 1),
      );
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const indexes = db.prepare("SELECT name FROM pragma_index_list('events') WHERE \"unique\" = 1").pluck().all();
      expect(indexes).toHaveLength(2); // event_id, (stream_id, stream_position)
    } finally {
      db.close();
    }
  });

  it('refuses to open a file migrated by newer code', async () => {
    const path = freshPath();
    await (await openSqliteEventStore({ path })).close();
    const db = new BetterSqlite3(path);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(latestSchemaVersion() + 1, 'future', '2030-01-01T00:00:00Z');
    db.close();
    const error = await rejectionOf(openSqliteEventStore({ path }));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/newer/);
  });

  it('reports an unopenable path as unavailable', async () => {
    const error = await rejectionOf(openSqliteEventStore({ path: join(dir, 'no-such-dir', 'x.sqlite') }));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('group-commits appends of one tick, failing only the append whose check fails', async () => {
    const store = await openSqliteEventStore({ path: freshPath() });
    await store.append('school-00AA', newEvents(1), { expectedVersion: 'no_stream' });
    const calls = [
      store.append('school-01BB', newEvents(2), { expectedVersion: 'no_stream' }),
      store.append('school-00AA', newEvents(1), { expectedVersion: 'no_stream' }), // conflict: stream has 1 event
      store.append('school-01BB', newEvents(1), { expectedVersion: 1 }), // sees the first append of this group
      store.append('school-02CC', newEvents(3), { expectedVersion: 'any' }),
    ];
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
    const ok = settled.filter((s): s is PromiseFulfilledResult<AppendResult> => s.status === 'fulfilled').map((s) => s.value);
    expect(ok.map((r) => r.nextExpectedVersion)).toEqual([1, 2, 2]);
    // One transaction, so one recordedAt instant and contiguous global positions for the whole group.
    const log = await store.readAll({ after: 0 });
    expect(log.map((e) => e.globalPosition)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(log.map((e) => e.recordedAt)).size).toBe(1);
    await store.close();
  });

  it('sees appends of another connection on the same file: versions and live subscriptions', async () => {
    const path = freshPath();
    const a = await openSqliteEventStore({ path, pollIntervalMs: 20 });
    const b = await openSqliteEventStore({ path, pollIntervalMs: 20 });
    const first = await a.append('school-16SW', newEvents(1), { expectedVersion: 'no_stream' });
    // b caches the stream head after its own append, then a writes again behind its back.
    await b.append('school-16SW', newEvents(1), { expectedVersion: first.nextExpectedVersion });
    await a.append('school-16SW', newEvents(1), { expectedVersion: 1 });
    const stale = await rejectionOf(b.append('school-16SW', newEvents(1), { expectedVersion: 1 }));
    expect(stale).toMatchObject({ actual: 2 });
    // b's cached global head goes stale too: its next append must continue after a's event, not collide.
    await a.append('school-55CD', newEvents(1), { expectedVersion: 'no_stream' });
    const headBefore = await a.headPosition();
    const elsewhere = await b.append('school-77AB', newEvents(1), { expectedVersion: 'no_stream' });
    expect(elsewhere.lastGlobalPosition).toBe(headBefore + 1);

    const live = collectUntil(b, { after: elsewhere.lastGlobalPosition }, (seen) => seen.length >= 2, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await a.append('school-99ZZ', [newEvent(), newEvent()], { expectedVersion: 'no_stream' });
    const got = await live;
    expect(got.timedOut).toBe(false);
    expect(got.events.map((e) => [e.streamId, e.streamPosition])).toEqual([
      ['school-99ZZ', 0],
      ['school-99ZZ', 1],
    ]);
    await a.close();
    await b.close();
  });

  it('fails a whole group as unavailable while another connection holds the write lock, then recovers', async () => {
    const path = freshPath();
    const store = await openSqliteEventStore({ path, busyTimeoutMs: 50 });
    await store.append('school-16SW', newEvents(1), { expectedVersion: 'no_stream' });
    const locker = new BetterSqlite3(path);
    locker.exec('BEGIN IMMEDIATE');
    const settled = await Promise.allSettled([
      store.append('school-16SW', newEvents(1), { expectedVersion: 0 }),
      store.append('school-17AB', newEvents(1), { expectedVersion: 'no_stream' }),
    ]);
    expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as { code?: string }).code : s.status))).toEqual([
      'EVENT_STORE_UNAVAILABLE',
      'EVENT_STORE_UNAVAILABLE',
    ]);
    locker.exec('ROLLBACK');
    locker.close();
    const retried = await store.append('school-16SW', newEvents(1), { expectedVersion: 0 });
    expect(retried.nextExpectedVersion).toBe(1);
    expect(await store.readStream('school-17AB')).toEqual([]);
    await store.close();
  });

  it('writes appends still queued when close is called', async () => {
    const path = freshPath();
    const store = await openSqliteEventStore({ path });
    const pending = store.append('school-16SW', newEvents(2), { expectedVersion: 'no_stream' });
    await store.close();
    expect((await pending).nextExpectedVersion).toBe(1);
    const reopened = await openSqliteEventStore({ path });
    expect(await reopened.readStream('school-16SW')).toHaveLength(2);
    await reopened.close();
  });
});
