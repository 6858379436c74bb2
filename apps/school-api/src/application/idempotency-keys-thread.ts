import { parentPort, workerData } from 'node:worker_threads';
import { IdempotencyKeyTable } from './idempotency-key-table.js';
import type { ThreadReply, ThreadRequest } from './idempotency-keys-protocol.js';

// The key store's thread: it owns the SQLite connection, so its commits and fsyncs never hold the
// service's event loop.
const port = parentPort!;
const send = (reply: ThreadReply): void => port.postMessage(reply);
const carried = (error: unknown): { message: string; code?: string } => {
  const e = error as { message?: unknown; code?: unknown };
  return { message: String(e?.message ?? error), ...(typeof e?.code === 'string' ? { code: e.code } : {}) };
};

let table: IdempotencyKeyTable;
try {
  table = new IdempotencyKeyTable((workerData as { path: string }).path);
  send({ kind: 'ready' });
} catch (error) {
  send({ kind: 'failed', error: carried(error) });
  process.exit(1);
}

port.on('message', (request: ThreadRequest) => {
  switch (request.kind) {
    case 'apply':
      try {
        send({ kind: 'applied', seq: request.seq, results: table.apply(request.calls) });
      } catch (error) {
        send({ kind: 'refused', seq: request.seq, error: carried(error) });
      }
      return;
    case 'close':
      table.close();
      port.close();
      return;
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
});
