import type { Database } from 'better-sqlite3';
import { EventStoreUnavailableError } from '../errors.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Append-only: a released migration is never edited, a change is a new version. The events table has no
 * separate streams table: the (stream_id, stream_position) index answers "last position of a stream" in
 * one b-tree descent and the adapter caches it; tools/bench `sqlite-stream-version` measures the
 * alternative.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE TABLE events (
        global_position INTEGER PRIMARY KEY,
        stream_id       TEXT    NOT NULL,
        stream_position INTEGER NOT NULL,
        event_id        TEXT    NOT NULL UNIQUE,
        type            TEXT    NOT NULL,
        schema_version  INTEGER NOT NULL,
        data            TEXT    NOT NULL,
        metadata        TEXT    NOT NULL,
        occurred_at     TEXT    NOT NULL,
        recorded_at     TEXT    NOT NULL,
        UNIQUE (stream_id, stream_position)
      ) STRICT;
    `,
  },
];

export const latestSchemaVersion = (): number => migrations.at(-1)?.version ?? 0;

/** Brings the file to the latest schema in one write transaction; safe when several processes race. */
export function migrate(db: Database, now: () => string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const apply = db.transaction(() => {
    const current = (db.prepare('SELECT coalesce(max(version), 0) FROM schema_migrations').pluck().get() as number) ?? 0;
    if (current > latestSchemaVersion()) {
      throw new EventStoreUnavailableError(
        `Event store schema version ${current} is newer than this code knows (${latestSchemaVersion()}): refusing to open`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations.filter((m) => m.version > current)) {
      db.exec(m.sql);
      record.run(m.version, m.name, now());
    }
  });
  apply.immediate();
}
