import { join } from 'node:path';
import { getSQLiteEventStore, messagesTable, sqliteConnection, type SQLiteConnection } from '@event-driven-io/emmett-sqlite';
import BetterSqlite3 from 'better-sqlite3';
import type { Contender, PreparedRun } from '../../harness/benchmark.js';
import { drive, makeEvents } from './fixtures.js';

/**
 * @event-driven-io/emmett-sqlite 0.42.4 through its public EventStore API, on the same workloads and
 * events. `shared` passes one connection for all calls (its fastest set-up); otherwise it opens a
 * connection per call, which is its default. Both run with synchronous=FULL, checked below.
 *
 * Caveat, seen in its code and checked with a second connection: the shared connection counts
 * transaction nesting per connection, so concurrent appends join the first one's transaction and are
 * acknowledged before anything commits (319 of 320 acknowledgements under 16 writers were not yet
 * visible to another connection). Its concurrent-16 rate is therefore not at equal durability.
 */
function emmettContender(shared: boolean): Contender {
  return {
    name: shared ? 'emmett-sqlite-shared' : 'emmett-sqlite',
    description: shared
      ? '@event-driven-io/emmett-sqlite 0.42.4, one shared sqlite3 connection, synchronous=FULL (under concurrency it acknowledges before commit)'
      : '@event-driven-io/emmett-sqlite 0.42.4, default set-up (connection per call), synchronous=FULL (default)',
    async prepare(workload, { dir, size }): Promise<PreparedRun> {
      const fileName = join(dir, 'emmett.sqlite');
      const events = makeEvents(size);
      const connection: SQLiteConnection | undefined = shared ? sqliteConnection({ fileName }) : undefined;
      if (connection !== undefined) await connection.command('PRAGMA synchronous = FULL');
      const store = getSQLiteEventStore(
        connection === undefined ? { fileName } : { fileName, connectionOptions: { singleton: true, connection } },
      );
      await store.schema.migrate();
      await assertFullSync(connection ?? sqliteConnection({ fileName }), connection === undefined);
      const versions = new Map<string, bigint>();
      return {
        run: () =>
          drive(
            workload,
            {
              async append(streamId, batch) {
                const r = await store.appendToStream(
                  streamId,
                  batch.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata })),
                  { expectedStreamVersion: versions.get(streamId) ?? 0n },
                );
                versions.set(streamId, r.nextExpectedStreamVersion);
              },
            },
            events,
          ),
        async verify() {
          const db = new BetterSqlite3(fileName, { readonly: true });
          try {
            return db.prepare(`SELECT count(*) FROM ${messagesTable.name}`).pluck().get() as number;
          } finally {
            db.close();
          }
        },
        async dispose() {
          connection?.close();
        },
      };
    },
  };
}

/** The comparison is only fair at the same durability: refuse to measure otherwise. */
async function assertFullSync(connection: SQLiteConnection, close: boolean): Promise<void> {
  try {
    const row = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
    if (row?.synchronous !== 2) throw new Error(`emmett-sqlite connection runs synchronous=${row?.synchronous}, not FULL (2)`);
  } finally {
    if (close) connection.close();
  }
}

export const emmettSqlite = emmettContender(false);
export const emmettSqliteShared = emmettContender(true);
