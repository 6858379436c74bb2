import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IdempotencyKeysUnavailableError } from './application-errors.js';
import type { KeyCall, StoredClaim } from './idempotency-key-table.js';
import type { CarriedError, ThreadReply, ThreadRequest } from './idempotency-keys-protocol.js';
import type { IdempotencyKeys, KeyClaim } from './idempotency-keys.js';
import type { CommandReply } from './stream-command-executor.js';

/** The file beside the event store in NPO_DATA_DIR; every API process on that dir shares it. */
export const IDEMPOTENCY_KEYS_FILE = 'idempotency-keys.sqlite';

/** One call waiting for its batch to come back from the thread. */
interface Pending {
  readonly call: KeyCall;
  readonly resolve: (value: StoredClaim | undefined) => void;
  readonly reject: (error: unknown) => void;
}

/** The compiled thread entry: beside this file when running from dist, in dist when running from sources. */
function threadEntry(): URL {
  for (const candidate of [new URL('./idempotency-keys-thread.js', import.meta.url), new URL('../../dist/application/idempotency-keys-thread.js', import.meta.url)]) {
    if (existsSync(fileURLToPath(candidate))) return candidate;
  }
  throw new IdempotencyKeysUnavailableError('the key store thread entry (dist/application/idempotency-keys-thread.js) is missing: build @npo/school-api first');
}

const fromCarried = (error: CarriedError): IdempotencyKeysUnavailableError => new IdempotencyKeysUnavailableError(error.message, error.code);

/**
 * Idempotency-Keys in a SQLite file of their own. Not in the event store's transaction (the store is a
 * port, and KurrentDB has no such table), so the executor claims a key before it appends and stores the
 * reply after: see StreamCommandExecutor for why a crash in between never appends twice.
 *
 * The table lives on a thread of its own (IdempotencyKeyTable): each command writes it twice, and random
 * keys make each write touch its own B-tree page, so on the service's thread the two commits and their
 * fsyncs cost more than the event store's append (a profile under load: 12% of the thread with fsync off,
 * plus the fsyncs). Calls made in one turn of the event loop travel as one message and share one
 * transaction, in call order.
 */
export class SqliteIdempotencyKeys implements IdempotencyKeys {
  private pending: Pending[] = [];
  private readonly inFlight = new Map<number, Pending[]>();
  private seq = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  /** Resolves when the thread has exited, for whatever reason (close, crash, terminate). */
  private readonly exited: Promise<void>;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: ThreadReply) => this.receive(reply));
    worker.on('error', (error) => this.fail(new IdempotencyKeysUnavailableError(`the key store thread failed: ${error.message}`)));
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('exit', (code) => this.fail(new IdempotencyKeysUnavailableError(`the key store thread stopped (exit code ${code})`)));
    // Idle, the thread must not keep a finished process alive; with calls in flight it must (see flush).
    worker.unref();
  }

  /** Starts the key store's thread on `path` (created if missing) and waits until the table is open. */
  static async open(path: string): Promise<SqliteIdempotencyKeys> {
    const worker = new Worker(threadEntry(), { workerData: { path } });
    let onMessage!: (reply: ThreadReply) => void;
    let onError!: (error: Error) => void;
    let onExit!: (code: number) => void;
    try {
      await new Promise<void>((resolve, reject) => {
        onMessage = (reply) => (reply.kind === 'ready' ? resolve() : reject(reply.kind === 'failed' ? fromCarried(reply.error) : new Error(`unexpected ${reply.kind}`)));
        onError = reject;
        onExit = (code) => reject(new IdempotencyKeysUnavailableError(`the key store thread stopped while opening ${path} (exit code ${code})`));
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      });
    } catch (error) {
      await worker.terminate();
      throw error instanceof IdempotencyKeysUnavailableError ? error : new IdempotencyKeysUnavailableError(`cannot open the key store at ${path}: ${(error as Error).message}`);
    } finally {
      // Only these: a Worker's own listeners start and stop its message port.
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    }
    return new SqliteIdempotencyKeys(worker);
  }

  async claim(scope: string, key: string, requestHash: string, streamId: string): Promise<KeyClaim | null> {
    const found = await this.enqueue({ op: 'claim', scope, key, requestHash, streamId, at: new Date().toISOString() });
    if (found === null || found === undefined) return null;
    return { requestHash: found.requestHash, streamId: found.streamId, reply: found.reply === null ? null : (JSON.parse(found.reply) as CommandReply) };
  }

  async complete(scope: string, key: string, requestHash: string, reply: CommandReply): Promise<void> {
    await this.enqueue({ op: 'complete', scope, key, requestHash, reply: JSON.stringify(reply) });
  }

  async release(scope: string, key: string, requestHash: string): Promise<void> {
    await this.enqueue({ op: 'release', scope, key, requestHash });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.flush();
      this.worker.ref();
      const request: ThreadRequest = { kind: 'close' };
      // The thread answers the batches sent before the close first: messages arrive in order.
      if (this.failure === undefined) this.worker.postMessage(request);
      else await this.worker.terminate();
      // A thread that died before (and failed every call then) has exited already: nothing to wait for.
      await this.exited;
    })();
    return this.closing;
  }

  private enqueue(call: KeyCall): Promise<StoredClaim | undefined> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closing !== undefined) return Promise.reject(new IdempotencyKeysUnavailableError('the key store is closed'));
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ call, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    if (this.failure !== undefined) {
      for (const p of batch) p.reject(this.failure);
      return;
    }
    const seq = ++this.seq;
    if (this.inFlight.size === 0) this.worker.ref();
    this.inFlight.set(seq, batch);
    const request: ThreadRequest = { kind: 'apply', seq, calls: batch.map((p) => p.call) };
    this.worker.postMessage(request);
  }

  private receive(reply: ThreadReply): void {
    if (reply.kind !== 'applied' && reply.kind !== 'refused') return;
    const batch = this.inFlight.get(reply.seq);
    this.inFlight.delete(reply.seq);
    if (this.inFlight.size === 0) this.worker.unref();
    if (batch === undefined) return;
    if (reply.kind === 'refused') {
      const error = fromCarried(reply.error);
      for (const p of batch) p.reject(error);
    } else {
      batch.forEach((p, i) => p.resolve(reply.results[i]));
    }
  }

  /** The thread is gone: every call waiting for it, and every later one, fails. */
  private fail(error: Error): void {
    if (this.failure === undefined && this.closing === undefined) this.failure = error;
    const reason = this.failure ?? error;
    for (const batch of this.inFlight.values()) for (const p of batch) p.reject(reason);
    this.inFlight.clear();
    for (const p of this.pending.splice(0)) p.reject(reason);
  }
}
