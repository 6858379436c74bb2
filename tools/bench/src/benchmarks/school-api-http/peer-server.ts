import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';

/*
 * The machine's limit for the command path: Fastify with the same JSON body parsing and body limit as
 * the API, and every request stored as one row by plain better-sqlite3 in the same durability (WAL,
 * synchronous=FULL, answered only after the commit). Requests arriving in the same turn of the event
 * loop share a transaction, as the API's store does, so both pay one fsync per group. No auth, no
 * validation, no domain, no stream versions: what is left is HTTP, JSON and SQLite.
 */

export interface PeerServerOptions {
  readonly dbPath: string;
  readonly port: number;
  readonly bodyLimit?: number;
}

interface Pending {
  readonly streamId: string;
  readonly data: string;
  readonly idempotencyKey: string | null;
  readonly resolve: (position: number) => void;
  readonly reject: (error: unknown) => void;
}

export async function startPeerServer({ dbPath, port, bodyLimit = 65_536 }: PeerServerOptions): Promise<FastifyInstance> {
  const db = new BetterSqlite3(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS commands (position INTEGER PRIMARY KEY, id TEXT NOT NULL, stream_id TEXT NOT NULL, data TEXT NOT NULL, idempotency_key TEXT)');
  const insert = db.prepare<[string, string, string, string | null]>('INSERT INTO commands (id, stream_id, data, idempotency_key) VALUES (?, ?, ?, ?)');
  const writeGroup = db.transaction((group: readonly Pending[]) =>
    group.map((p) => Number(insert.run(randomUUID(), p.streamId, p.data, p.idempotencyKey).lastInsertRowid)),
  );
  let pending: Pending[] = [];
  const flush = (): void => {
    const group = pending;
    pending = [];
    try {
      const positions = writeGroup(group);
      group.forEach((p, i) => p.resolve(positions[i]!));
    } catch (error) {
      for (const p of group) p.reject(error);
    }
  };
  const store = (streamId: string, data: string, idempotencyKey: string | null): Promise<number> =>
    new Promise((resolve, reject) => {
      if (pending.push({ streamId, data, idempotencyKey, resolve, reject }) === 1) setImmediate(flush);
    });

  const app = Fastify({ logger: false, bodyLimit, trustProxy: false });
  app.removeContentTypeParser(['text/plain']);
  app.post<{ Params: { brin: string } }>('/v1/schools/:brin/*', async (request, reply) => {
    const key = request.headers['idempotency-key'];
    const position = await store(`school-${request.params.brin}`, JSON.stringify(request.body), typeof key === 'string' ? key : null);
    reply.code(201);
    return { eventId: null, eventIds: [], streamVersion: 0, globalPosition: position };
  });
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.addHook('onClose', async () => {
    if (pending.length > 0) flush();
    db.close();
  });
  await app.listen({ port, host: '127.0.0.1' });
  return app;
}

// Run as its own process by the benchmark: PORT, DB_PATH and BODY_LIMIT from the environment.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bodyLimit = Number(process.env['BODY_LIMIT'] ?? 65_536);
  const app = await startPeerServer({ dbPath: process.env['DB_PATH'] ?? 'peer.sqlite', port: Number(process.env['PORT']), bodyLimit });
  const stop = (): void => void app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
