import { join } from 'node:path';
import { sqliteMigrations } from '@npo/event-store';
import BetterSqlite3 from 'better-sqlite3';
import type { Contender } from '../../harness/benchmark.js';
import { makeEvents, streamName, STREAMS } from './fixtures.js';

const ROWS_PER_TRANSACTION = 1_000;

/**
 * The machine's limit for these rows: the same table and rows as npo-sqlite, inserted by plain
 * better-sqlite3 in 1,000-row transactions with no checks, no reads and no promises.
 */
export const rawBetterSqlite3: Contender = {
  name: 'raw-better-sqlite3',
  description: 'plain better-sqlite3 INSERTs into the same events table, 1,000 rows per transaction, synchronous=FULL',
  async prepare(_workload, { dir, size }) {
    const events = makeEvents(size);
    const db = new BetterSqlite3(join(dir, 'events.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    for (const m of sqliteMigrations) db.exec(m.sql);
    const insert = db.prepare(
      'INSERT INTO events (global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, occurred_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertChunk = db.transaction((from: number, to: number) => {
      const recordedAt = new Date().toISOString();
      for (let i = from; i < to; i++) {
        const e = events[i]!;
        insert.run(i, streamName(i % STREAMS), Math.floor(i / STREAMS), e.id, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.occurredAt, recordedAt);
      }
    });
    return {
      async run() {
        for (let from = 0; from < size; from += ROWS_PER_TRANSACTION) insertChunk(from, Math.min(size, from + ROWS_PER_TRANSACTION));
        return { operations: size };
      },
      verify: async () => db.prepare('SELECT count(*) FROM events').pluck().get() as number,
      async dispose() {
        db.close();
      },
    };
  },
};
