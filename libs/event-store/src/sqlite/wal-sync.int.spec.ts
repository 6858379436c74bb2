import { fstatSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { newEvents, rejectionOf } from '../contract/contract-helpers.js';
import { EventStoreUnavailableError } from '../errors.js';
import { openSqliteEventStore } from './sqlite-event-store.js';
import { fsyncOffThread, type SyncFile, WalSync } from './wal-sync.js';

const dir = mkdtempSync(join(tmpdir(), 'npo-wal-sync-'));
let files = 0;
const freshPath = (): string => join(dir, `store-${++files}.sqlite`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SyncFile whose fsyncs wait until the test lets them go (then run the real one). */
function heldSync(): { sync: SyncFile; issued: () => number; release: () => void } {
  let issued = 0;
  const waiting: (() => void)[] = [];
  return {
    sync: (fd) => {
      issued++;
      return new Promise<void>((resolve) => waiting.push(resolve)).then(() => fsyncOffThread(fd));
    },
    issued: () => issued,
    release: () => waiting.splice(0).forEach((go) => go()),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

/** Settles `p` into a flag the test can look at while it is still pending. */
function watch<T>(p: Promise<T>): { done: () => boolean; value: Promise<T> } {
  let done = false;
  const value = p.finally(() => (done = true));
  return { done: () => done, value };
}

describe('SQLite event store: nothing is acknowledged or read before its fsync', () => {
  it('answers an append only after an fsync issued after its commit has finished', async () => {
    const held = heldSync();
    const store = await openSqliteEventStore({ path: freshPath(), syncWal: held.sync });
    const append = watch(store.append('school-16SW', newEvents(2), { expectedVersion: 'no_stream' }));
    await tick();
    expect(held.issued()).toBe(1);
    expect(append.done()).toBe(false);
    // Committed but not durable: a read of this process waits for the same fsync.
    const read = watch(store.readAll());
    const head = watch(store.headPosition());
    await tick();
    expect(read.done()).toBe(false);
    expect(head.done()).toBe(false);
    held.release();
    expect((await append.value).nextExpectedVersion).toBe(1);
    expect((await read.value).map((e) => e.streamPosition)).toEqual([0, 1]);
    expect(await head.value).toBe(1);
    await store.close();
  });

  it('lets the appends committed during one fsync share the next one', async () => {
    const held = heldSync();
    const store = await openSqliteEventStore({ path: freshPath(), syncWal: held.sync });
    const first = watch(store.append('school-00AA', newEvents(1), { expectedVersion: 'no_stream' }));
    await tick();
    // Three more groups commit while the first fsync is held: none may ride on it.
    const later = [1, 2, 3].map((i) => watch(store.append(`school-0${i}BB`, newEvents(1), { expectedVersion: 'no_stream' })));
    for (const _ of later) await tick();
    expect(held.issued()).toBe(1);
    held.release();
    await first.value;
    await tick();
    expect(later.map((l) => l.done())).toEqual([false, false, false]);
    expect(held.issued()).toBe(2);
    held.release();
    expect((await Promise.all(later.map((l) => l.value))).map((r) => r.lastGlobalPosition)).toEqual([1, 2, 3]);
    await store.close();
  });

  it('makes a reader flush what another connection committed before it returns it', async () => {
    const path = freshPath();
    const writer = await openSqliteEventStore({ path });
    await writer.append('school-16SW', newEvents(1), { expectedVersion: 'no_stream' });
    const held = heldSync();
    const reader = await openSqliteEventStore({ path, syncWal: held.sync });
    // Written behind the writer's back, at synchronous=NORMAL and never fsynced by anyone.
    const raw = new BetterSqlite3(path);
    raw.pragma('synchronous = OFF');
    raw
      .prepare(
        `INSERT INTO events (global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, occurred_at, recorded_at)
         VALUES (1, 'school-17AB', 0, 'f5f0c8e6-3a8e-4c59-9d40-8f1f4c1f2a01', 'npo.ContractTested', 1, '{}', '{}', '2021-04-20T09:30:00.000Z', '2021-04-20T09:30:00.000Z')`,
      )
      .run();
    raw.close();
    const read = watch(reader.readAll({ after: 0 }));
    await tick();
    expect(held.issued()).toBe(1);
    expect(read.done()).toBe(false);
    held.release();
    expect((await read.value).map((e) => e.streamId)).toEqual(['school-17AB']);
    // Already durable for this reader: no second fsync for the same position.
    await reader.readStream('school-17AB');
    expect(held.issued()).toBe(1);
    await reader.close();
    await writer.close();
  });

  it('flushes the WAL beside the real file when the store is opened through a symlink', async () => {
    const real = freshPath();
    await (await openSqliteEventStore({ path: real })).close();
    const link = join(dir, `link-${files}.sqlite`);
    symlinkSync(real, link);
    const synced: number[] = [];
    const store = await openSqliteEventStore({ path: link, syncWal: (fd) => (synced.push(fstatSync(fd).ino), fsyncOffThread(fd)) });
    await store.append('school-16SW', newEvents(1), { expectedVersion: 'no_stream' });
    expect(synced).toEqual([statSync(`${real}-wal`).ino]);
    expect(await store.readStream('school-16SW')).toHaveLength(1);
    await store.close();
  });

  it('flushes the database file itself when there is no WAL: everything is in it then', async () => {
    const path = join(dir, 'no-wal.sqlite');
    writeFileSync(path, 'stands in for a checkpointed database');
    const synced: number[] = [];
    const sync = new WalSync(path, (fd) => (synced.push(fstatSync(fd).ino), fsyncOffThread(fd)));
    await sync.through(5);
    expect(synced).toEqual([statSync(path).ino]);
    await sync.through(5); // durable now: no second flush
    expect(synced).toHaveLength(1);
    sync.close();
  });

  it('refuses every append and read after a failed fsync: the file state is unknown', async () => {
    let fail = true;
    const store = await openSqliteEventStore({
      path: freshPath(),
      syncWal: (fd) => (fail ? Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' })) : fsyncOffThread(fd)),
    });
    const first = await rejectionOf(store.append('school-16SW', newEvents(1), { expectedVersion: 'no_stream' }));
    expect(first).toBeInstanceOf(EventStoreUnavailableError);
    expect((first as Error).message).toMatch(/EIO/);
    fail = false; // a retried fsync may report success for pages the kernel already dropped
    expect(await rejectionOf(store.append('school-17AB', newEvents(1), { expectedVersion: 'no_stream' }))).toBeInstanceOf(EventStoreUnavailableError);
    expect(await rejectionOf(store.readAll())).toBeInstanceOf(EventStoreUnavailableError);
    await store.close();
  });
});
