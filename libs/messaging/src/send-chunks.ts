import type { OutgoingMessage } from './port/message.js';

// Record overhead in a v2 batch (length, attributes, deltas, varints) is a few bytes; 64 errs on the safe side.
const RECORD_OVERHEAD = 64;

export function estimatedSize(m: OutgoingMessage): number {
  let size = RECORD_OVERHEAD + byteLength(m.key) + byteLength(m.value);
  for (const [name, value] of Object.entries(m.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value) + 8;
  return size;
}

/**
 * Splits a send into consecutive chunks of at most `maxBytes` (estimated), keeping the order; a single
 * message larger than that gets a chunk of its own and is left to the broker to accept or refuse.
 */
export function chunkBySize<T extends OutgoingMessage>(messages: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const m of messages) {
    const s = estimatedSize(m);
    if (current.length > 0 && size + s > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(m);
    size += s;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function byteLength(v: string | Buffer | null): number {
  if (v === null) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
