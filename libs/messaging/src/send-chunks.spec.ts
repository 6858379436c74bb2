import { describe, expect, it } from 'vitest';
import type { OutgoingMessage } from './port/message.js';
import { chunkBySize, estimatedSize } from './send-chunks.js';

const msg = (i: number, bytes: number): OutgoingMessage => ({ key: `k${i}`, value: Buffer.alloc(bytes, 1), headers: { n: String(i) } });

describe('chunkBySize', () => {
  it('keeps every message, in order', () => {
    const messages = Array.from({ length: 100 }, (_, i) => msg(i, 1000));
    const chunks = chunkBySize(messages, 10_000);
    expect(chunks.flat()).toEqual(messages);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('keeps each chunk within the limit unless one message alone exceeds it', () => {
    const messages = [msg(0, 100), msg(1, 5000), msg(2, 100), msg(3, 100)];
    const chunks = chunkBySize(messages, 1000);
    for (const c of chunks) {
      const size = c.reduce((s, m) => s + estimatedSize(m), 0);
      expect(size <= 1000 || c.length === 1).toBe(true);
    }
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 2]);
  });

  it('sends nothing for no messages', () => {
    expect(chunkBySize([], 1000)).toEqual([]);
  });

  it('counts multi-byte characters by their UTF-8 size', () => {
    const ascii = estimatedSize({ key: null, value: 'aaaa' });
    const euro = estimatedSize({ key: null, value: '€€€€' });
    expect(euro - ascii).toBe(8);
  });
});
