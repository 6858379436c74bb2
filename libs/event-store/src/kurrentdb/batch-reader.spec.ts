import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BatchReader } from './batch-reader.js';

const objects = () => new PassThrough({ objectMode: true, highWaterMark: 100 });
const never = new AbortController().signal;

describe('BatchReader', () => {
  it('hands out what is buffered in batches of at most max', async () => {
    const stream = objects();
    const reader = new BatchReader<number>(stream);
    for (const n of [1, 2, 3, 4, 5]) stream.write(n);
    expect(await reader.next(3, never)).toEqual({ kind: 'batch', items: [1, 2, 3] });
    expect(await reader.next(3, never)).toEqual({ kind: 'batch', items: [4, 5] });
  });

  it('waits for items written later', async () => {
    const stream = objects();
    const reader = new BatchReader<string>(stream);
    const pending = reader.next(10, never);
    setTimeout(() => {
      stream.write('a');
      stream.write('b');
    }, 10);
    const got = await pending;
    expect(got.kind).toBe('batch');
    expect(got.kind === 'batch' && ['a', 'ab'].includes(got.items.join(''))).toBe(true);
  });

  it('throws an error the stream emitted, also while waiting, and keeps it', async () => {
    const stream = objects();
    const reader = new BatchReader<number>(stream);
    const pending = reader.next(10, never);
    const boom = new Error('14 UNAVAILABLE');
    setTimeout(() => stream.emit('error', boom), 5);
    await expect(pending).rejects.toBe(boom);
    await expect(reader.next(10, never)).rejects.toBe(boom);
  });

  it('drains the buffer before reporting the end', async () => {
    const stream = objects();
    const reader = new BatchReader<number>(stream);
    stream.end(7);
    expect(await reader.next(10, never)).toEqual({ kind: 'batch', items: [7] });
    expect(await reader.next(10, never)).toEqual({ kind: 'ended' });
  });

  it('stops waiting when its signal aborts', async () => {
    const reader = new BatchReader<number>(objects());
    const controller = new AbortController();
    const pending = reader.next(10, controller.signal);
    setTimeout(() => controller.abort(), 5);
    expect(await pending).toEqual({ kind: 'stopped' });
  });
});
