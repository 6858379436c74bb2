import BetterSqlite3 from 'better-sqlite3';

/** One call on the table; the calls of one batch run in one transaction, in order. */
export type KeyCall =
  | { readonly op: 'claim'; readonly scope: string; readonly key: string; readonly requestHash: string; readonly streamId: string; readonly at: string }
  | { readonly op: 'complete'; readonly scope: string; readonly key: string; readonly requestHash: string; readonly reply: string }
  | { readonly op: 'release'; readonly scope: string; readonly key: string; readonly requestHash: string };

/** What a claim found: null when it took the key; otherwise the holder, its reply still as JSON text. */
export type StoredClaim = { readonly requestHash: string; readonly streamId: string; readonly reply: string | null } | null;

interface Row {
  readonly request_hash: string;
  readonly stream_id: string;
  readonly reply: string | null;
}

/**
 * The idempotency-key table itself: synchronous better-sqlite3, run on the key store's own thread. WAL
 * and a busy timeout let several API processes on one data dir share the file; the primary key makes a
 * claim atomic between them.
 *
 * synchronous=NORMAL: a commit survives the process being killed (the OS has the WAL), not a power cut,
 * which may take back the last keys. That loses no command: the events they guarded are fsynced by the
 * event store and carry their key in the metadata, so a retry of such a request still replays instead of
 * appending again. What a power cut can cost is the 422 for a key reused for another request on another
 * stream. With FULL each command waited for two more fsyncs (claim and answer): 3.4k -> 3.9k commands/s.
 */
export class IdempotencyKeyTable {
  private readonly db: BetterSqlite3.Database;
  private readonly insert: BetterSqlite3.Statement<[string, string, string, string, string]>;
  private readonly select: BetterSqlite3.Statement<[string, string], Row>;
  private readonly answer: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly remove: BetterSqlite3.Statement<[string, string, string]>;
  private readonly batch: (calls: readonly KeyCall[]) => (StoredClaim | undefined)[];

  constructor(path: string) {
    this.db = new BetterSqlite3(path);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        stream_id TEXT NOT NULL,
        reply TEXT,
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (scope, key)
      ) WITHOUT ROWID`);
      this.insert = this.db.prepare(
        'INSERT INTO idempotency_keys (scope, key, request_hash, stream_id, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      );
      this.select = this.db.prepare('SELECT request_hash, stream_id, reply FROM idempotency_keys WHERE scope = ? AND key = ?');
      this.answer = this.db.prepare('UPDATE idempotency_keys SET reply = ? WHERE scope = ? AND key = ? AND request_hash = ?');
      this.remove = this.db.prepare('DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND request_hash = ? AND reply IS NULL');
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.batch = this.db.transaction((calls: readonly KeyCall[]) => calls.map((call) => this.run(call)));
  }

  /** Runs the calls in one transaction; if it fails, none of them was written. */
  apply(calls: readonly KeyCall[]): (StoredClaim | undefined)[] {
    return this.batch(calls);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private run(call: KeyCall): StoredClaim | undefined {
    switch (call.op) {
      case 'claim':
        return this.claim(call.scope, call.key, call.requestHash, call.streamId, call.at);
      case 'complete':
        this.answer.run(call.reply, call.scope, call.key, call.requestHash);
        return undefined;
      case 'release':
        this.remove.run(call.scope, call.key, call.requestHash);
        return undefined;
      default: {
        const unknown: never = call;
        throw new Error(`unknown key call ${JSON.stringify(unknown)}`);
      }
    }
  }

  private claim(scope: string, key: string, requestHash: string, streamId: string, at: string): StoredClaim {
    // Another process may delete the row between the two statements (an unanswered claim released by its
    // own request): then the key is free again, and the loop claims it.
    for (;;) {
      if (this.insert.run(scope, key, requestHash, streamId, at).changes === 1) return null;
      const row = this.select.get(scope, key);
      if (row !== undefined) return { requestHash: row.request_hash, streamId: row.stream_id, reply: row.reply };
    }
  }
}
