import BetterSqlite3 from 'better-sqlite3';
import type { IdempotencyKeys, KeyClaim } from './idempotency-keys.js';
import type { CommandReply } from './stream-command-executor.js';

/** The file beside the event store in NPO_DATA_DIR; every API process on that dir shares it. */
export const IDEMPOTENCY_KEYS_FILE = 'idempotency-keys.sqlite';

/** One call waiting for the next write transaction. */
interface Pending {
  readonly run: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Row {
  readonly request_hash: string;
  readonly stream_id: string;
  readonly reply: string | null;
}

/**
 * Idempotency-Keys in a SQLite file of their own. Not in the event store's transaction (the store is a
 * port, and KurrentDB has no such table), so the executor claims a key before it appends and stores the
 * reply after: see StreamCommandExecutor for why a crash in between never appends twice. WAL and a
 * busy timeout let several API processes on one data dir share the file; the primary key makes a claim
 * atomic between them. Calls made in one turn of the event loop share one transaction, in call order
 * (group commit: under load each command paid ~65-100 µs of the service's thread for its two transactions).
 */
export class SqliteIdempotencyKeys implements IdempotencyKeys {
  private readonly db: BetterSqlite3.Database;
  private readonly insert: BetterSqlite3.Statement<[string, string, string, string, string]>;
  private readonly select: BetterSqlite3.Statement<[string, string], Row>;
  private readonly answer: BetterSqlite3.Statement<[string, string, string, string]>;
  private readonly remove: BetterSqlite3.Statement<[string, string, string]>;
  private pending: Pending[] = [];

  constructor(path: string) {
    this.db = new BetterSqlite3(path);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
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
  }

  claim(scope: string, key: string, requestHash: string, streamId: string): Promise<KeyClaim | null> {
    return this.enqueue(() => this.claimNow(scope, key, requestHash, streamId, new Date().toISOString()));
  }

  complete(scope: string, key: string, requestHash: string, reply: CommandReply): Promise<void> {
    return this.enqueue(() => void this.answer.run(JSON.stringify(reply), scope, key, requestHash));
  }

  release(scope: string, key: string, requestHash: string): Promise<void> {
    return this.enqueue(() => void this.remove.run(scope, key, requestHash));
  }

  async close(): Promise<void> {
    this.flush();
    if (this.db.open) this.db.close();
  }

  private claimNow(scope: string, key: string, requestHash: string, streamId: string, at: string): KeyClaim | null {
    // Another process may delete the row between the two statements (an unanswered claim released by its
    // own request): then the key is free again, and the loop claims it.
    for (;;) {
      if (this.insert.run(scope, key, requestHash, streamId, at).changes === 1) return null;
      const row = this.select.get(scope, key);
      if (row !== undefined) return { requestHash: row.request_hash, streamId: row.stream_id, reply: row.reply === null ? null : (JSON.parse(row.reply) as CommandReply) };
    }
  }

  private enqueue<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ run, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** Runs the waiting calls in one transaction; if it fails, each call fails (none of them was written). */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: unknown[];
    try {
      results = this.db.transaction(() => batch.map((p) => p.run()))();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]));
  }
}
