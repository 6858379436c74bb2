import type { Database, Statement } from 'better-sqlite3';

/** A stored event as the array better-sqlite3's raw mode returns, in `columns` order: no per-row object with named keys. */
export type RawEventRow = readonly [
  globalPosition: number,
  streamId: string,
  streamPosition: number,
  eventId: string,
  type: string,
  schemaVersion: number,
  data: string,
  metadata: string,
  occurredAt: string,
  recordedAt: string,
];

export interface IdLocation {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
}

const columns = 'global_position, stream_id, stream_position, event_id, type, schema_version, data, metadata, occurred_at, recorded_at';

type InsertParams = [number, string, number, string, string, number, string, string, string, string];

export interface Statements {
  readonly begin: Statement<[]>;
  readonly commit: Statement<[]>;
  readonly rollback: Statement<[]>;
  readonly dataVersion: Statement<[], number>;
  readonly head: Statement<[], number>;
  readonly streamHead: Statement<[string], number | null>;
  readonly locateId: Statement<[string], IdLocation>;
  readonly insert: Statement<InsertParams>;
  readonly deleteFrom: Statement<[number]>;
  readonly readStream: Statement<[string, number, number], RawEventRow>;
  readonly readAll: Statement<[number, number], RawEventRow>;
}

/** Prepared once per connection: preparing is far more expensive than running. */
export function prepareStatements(db: Database): Statements {
  return {
    begin: db.prepare<[]>('BEGIN IMMEDIATE'),
    commit: db.prepare<[]>('COMMIT'),
    rollback: db.prepare<[]>('ROLLBACK'),
    dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    head: db.prepare<[], number>('SELECT coalesce(max(global_position), -1) FROM events').pluck(),
    streamHead: db.prepare<[string], number | null>('SELECT max(stream_position) FROM events WHERE stream_id = ?').pluck(),
    locateId: db.prepare<[string], IdLocation>(
      'SELECT stream_id AS streamId, stream_position AS streamPosition, global_position AS globalPosition FROM events WHERE event_id = ?',
    ),
    insert: db.prepare<InsertParams>(
      `INSERT INTO events (${columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    deleteFrom: db.prepare<[number]>('DELETE FROM events WHERE global_position >= ?'),
    // Raw arrays, one row shape for both reads: paging through the global log, building keyed row objects took twice as long as the read.
    readStream: db
      .prepare<[string, number, number], RawEventRow>(`SELECT ${columns} FROM events WHERE stream_id = ? AND stream_position >= ? ORDER BY stream_position LIMIT ?`)
      .raw(true),
    readAll: db
      .prepare<[number, number], RawEventRow>(`SELECT ${columns} FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`)
      .raw(true),
  };
}
