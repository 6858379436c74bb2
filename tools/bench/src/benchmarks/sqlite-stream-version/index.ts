import { join } from 'node:path';
import { sqliteMigrations } from '@npo/event-store';
import BetterSqlite3 from 'better-sqlite3';
import type { Benchmark, Contender } from '../../harness/benchmark.js';
import { makeEvents, streamName } from '../event-store/fixtures.js';

/**
 * Design question behind the SQLite adapter's schema: does a separate `streams` table (stream id -> last
 * position) make appends faster than asking the events table's (stream_id, stream_position) index, and
 * what does caching the head in memory add? Every variant writes the same events rows in the same
 * transactions; they differ only in how an append finds its stream's head. The difference is CPU and
 * pages written per commit; the fsync per commit is the same for all and, on a shared disk, its jitter
 * swamps everything else, so this runs at synchronous=NORMAL (WAL: fsync at checkpoints only).
 */
const STREAM_COUNT = 1_000;
const GROUP = 16;

interface Variant {
  readonly name: string;
  readonly description: string;
  readonly cache: boolean;
  readonly streamsTable: boolean;
}

const variants: readonly Variant[] = [
  { name: 'index+cache', description: 'head from the events index on a cache miss, then from memory (what the adapter does)', cache: true, streamsTable: false },
  { name: 'index', description: 'SELECT max(stream_position) on the events index for every append', cache: false, streamsTable: false },
  { name: 'streams-table', description: 'SELECT the head from a streams table and UPSERT it after every append', cache: false, streamsTable: true },
  { name: 'streams-table+cache', description: 'head from memory, streams table still kept up to date', cache: true, streamsTable: true },
];

// A fixed pseudo-random walk over the streams (same for every variant and run).
const streamFor = (i: number): string => streamName((Math.imul(i + 1, 2_654_435_761) >>> 0) % STREAM_COUNT);

function contender(v: Variant): Contender {
  return {
    name: v.name,
    description: v.description,
    async prepare(workload, { dir, size }) {
      const events = makeEvents(size);
      const db = new BetterSqlite3(join(dir, 'events.sqlite'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      for (const m of sqliteMigrations) db.exec(m.sql);
      db.exec('CREATE TABLE streams (stream_id TEXT PRIMARY KEY, last_position INTEGER NOT NULL) STRICT, WITHOUT ROWID');
      const insert = db.prepare(
        'INSERT INTO events (global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, occurred_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const fromIndex = db.prepare<[string], number | null>('SELECT max(stream_position) FROM events WHERE stream_id = ?').pluck();
      const fromStreams = db.prepare<[string], number>('SELECT last_position FROM streams WHERE stream_id = ?').pluck();
      const upsert = db.prepare(
        'INSERT INTO streams (stream_id, last_position) VALUES (?, ?) ON CONFLICT (stream_id) DO UPDATE SET last_position = excluded.last_position',
      );
      const cache = new Map<string, number>();
      let global = 0;
      const head = (streamId: string): number => {
        const cached = v.cache ? cache.get(streamId) : undefined;
        if (cached !== undefined) return cached;
        return (v.streamsTable ? fromStreams.get(streamId) : fromIndex.get(streamId)) ?? -1;
      };
      const appendOne = (streamId: string, from: number, to: number): void => {
        let position = head(streamId);
        const recordedAt = new Date().toISOString();
        for (let i = from; i < to; i++) {
          const e = events[i]!;
          insert.run(global++, streamId, ++position, e.id, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), e.occurredAt, recordedAt);
        }
        if (v.streamsTable) upsert.run(streamId, position);
        if (v.cache) cache.set(streamId, position);
      };
      const batch = workload === 'batch-100' ? 100 : 1;
      const perTransaction = workload === 'batch-100' ? 1 : GROUP;
      const transaction = db.transaction((first: number) => {
        for (let a = 0; a < perTransaction; a++) {
          const from = first + a * batch;
          if (from >= size) return;
          appendOne(streamFor(from / batch), from, Math.min(size, from + batch));
        }
      });
      return {
        async run() {
          for (let first = 0; first < size; first += batch * perTransaction) transaction.immediate(first);
          return { operations: size };
        },
        verify: async () => db.prepare('SELECT count(*) FROM events').pluck().get() as number,
        async dispose() {
          db.close();
        },
      };
    },
  };
}

export const sqliteStreamVersionBenchmark: Benchmark = {
  name: 'sqlite-stream-version',
  description: 'how an append finds its stream head: events index vs a streams table, with and without a cache (1,000 streams, synchronous=NORMAL to isolate it from fsync jitter)',
  unit: 'events/s',
  baseline: 'index+cache',
  workloads: [
    { name: 'grouped-singles', description: `${GROUP} one-event appends per transaction (a group commit), random streams`, size: (_c, quick) => (quick ? 8_000 : 48_000) },
    { name: 'batch-100', description: 'one 100-event append per transaction, random streams', size: (_c, quick) => (quick ? 20_000 : 100_000) },
  ],
  contenders: variants.map(contender),
};
