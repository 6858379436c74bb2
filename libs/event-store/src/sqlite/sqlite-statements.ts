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

/** A stored event with its envelope serialized by SQLite: routing fields, then the JSON text. */
export type SerializedEventRow = readonly [globalPosition: number, streamId: string, eventId: string, type: string, schemaVersion: number, json: string];

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
  readonly readAllSerialized: Statement<[number, number], SerializedEventRow>;
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
    // The envelope built in SQLite around the payloads' stored JSON, which this adapter wrote with
    // JSON.stringify and nothing else writes: 40% of the time of parsing both payloads in JavaScript and
    // serializing the envelope again (json_object with json() around the payloads, which parses them
    // once more, took 50%). Text columns are quoted by json_quote.
    readAllSerialized: db
      .prepare<[number, number], SerializedEventRow>(
        `SELECT global_position, stream_id, event_id, type, schema_version,
                '{"id":' || json_quote(event_id) || ',"type":' || json_quote(type) || ',"schemaVersion":' || schema_version ||
                ',"streamId":' || json_quote(stream_id) || ',"streamPosition":' || stream_position ||
                ',"globalPosition":' || global_position || ',"occurredAt":' || json_quote(occurred_at) ||
                ',"recordedAt":' || json_quote(recorded_at) || ',"data":' || data || ',"metadata":' || metadata || '}'
         FROM events WHERE global_position > ? ORDER BY global_position LIMIT ?`,
      )
      .raw(true),
  };
}
