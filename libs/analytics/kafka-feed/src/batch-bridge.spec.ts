import type { FeedEntry } from '@npo/analytics-model';
import { describe, expect, it } from 'vitest';
import { BatchBridge, FeedClosedError } from './batch-bridge.js';

const entries = (partition: number, from: number, count: number): FeedEntry[] =>
  Array.from({ length: count }, (_, i) => ({ partition, offset: from + i, payload: { n: from + i } }));

/** Tracks whether an offer's promise settled, without awaiting it. */
function watch(promise: Promise<void>): { readonly state: () => 'pending' | 'resolved' | 'rejected'; readonly error: () => unknown } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let error: unknown;
  promise.then(
    () => (state = 'resolved'),
    (e: unknown) => {
      state = 'rejected';
      error = e;
    },
  );
  return { state: () => state, error: () => error };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('BatchBridge', () => {
  it('releases an offer to the consumer once the projector took every entry of it, and moves the checkpoint only on acknowledge', async () => {
    const bridge = new BatchBridge(new Map());
    const offer = watch(bridge.offer(0, entries(0, 0, 5)));
    const first = await bridge.take(3, undefined);
    expect(first?.entries.map((e) => e.offset)).toEqual([0, 1, 2]);
    await tick();
    expect(offer.state()).toBe('pending');
    expect(bridge.checkpoint.get(0)).toBeUndefined();
    bridge.acknowledge();
    expect(bridge.checkpoint.get(0)).toBe(2);
    const second = await bridge.take(3, undefined);
    expect(second?.entries.map((e) => e.offset)).toEqual([3, 4]);
    await tick();
    // The consumer fetches on while the projector commits the last part.
    expect(offer.state()).toBe('resolved');
    expect(bridge.checkpoint.get(0)).toBe(2);
    // What it fetched meanwhile waits for the next take, which waits for the acknowledgement.
    void bridge.offer(0, entries(0, 5, 2));
    await expect(bridge.take(10, undefined)).rejects.toThrow(/acknowledge/);
    bridge.acknowledge();
    expect(bridge.checkpoint.get(0)).toBe(4);
    expect((await bridge.take(10, undefined))?.entries.map((e) => e.offset)).toEqual([5, 6]);
  });

  it('on reassignment during a commit, seeks to the committed checkpoint, not past what was fetched ahead', async () => {
    const bridge = new BatchBridge(new Map());
    const whole = watch(bridge.offer(0, entries(0, 0, 3)));
    await bridge.take(10, undefined); // offsets 0-2 in flight, the offer released
    await tick();
    expect(whole.state()).toBe('resolved');
    const ahead = watch(bridge.offer(0, entries(0, 3, 3)));
    const offsets = bridge.nextOffsets([0]);
    bridge.acknowledge();
    expect(await offsets).toEqual(new Map([[0, 3n]]));
    await tick();
    expect(ahead.state()).toBe('resolved');
    expect(bridge.checkpoint.get(0)).toBe(2);
  });

  it('merges the queued batches of several partitions into one take, in offer order, up to the limit', async () => {
    const bridge = new BatchBridge(new Map());
    void bridge.offer(1, entries(1, 10, 2));
    void bridge.offer(0, entries(0, 0, 3));
    const batch = await bridge.take(100, undefined);
    expect(batch?.entries.map((e) => `${e.partition}:${e.offset}`)).toEqual(['1:10', '1:11', '0:0', '0:1', '0:2']);
  });

  it('waits for an offer when nothing is queued, and ends the wait on abort', async () => {
    const bridge = new BatchBridge(new Map());
    const waiting = bridge.take(10, undefined);
    await tick();
    void bridge.offer(2, entries(2, 0, 1));
    expect((await waiting)?.entries).toHaveLength(1);
    bridge.acknowledge();
    const stop = new AbortController();
    const idle = bridge.take(10, stop.signal);
    stop.abort();
    expect(await idle).toBeUndefined();
  });

  it('drops entries at or below the checkpoint it started from', async () => {
    const bridge = new BatchBridge(new Map([[0, 4]]));
    const old = watch(bridge.offer(0, entries(0, 0, 5)));
    await tick();
    expect(old.state()).toBe('resolved');
    void bridge.offer(0, entries(0, 3, 4));
    expect((await bridge.take(10, undefined))?.entries.map((e) => e.offset)).toEqual([5, 6]);
  });

  it('seeks a reassigned partition to checkpoint + 1, and a partition never applied to 0', async () => {
    const bridge = new BatchBridge(new Map([[1, 41]]));
    expect(await bridge.nextOffsets([0, 1])).toEqual(new Map([[0, 0n], [1, 42n]]));
  });

  it('on reassignment waits for the batch being committed and gives up what was not taken', async () => {
    const bridge = new BatchBridge(new Map());
    const taken = watch(bridge.offer(0, entries(0, 0, 4)));
    const queued = watch(bridge.offer(1, entries(1, 0, 2)));
    await bridge.take(2, undefined); // partition 0, offsets 0-1 in flight
    const offsets = bridge.nextOffsets([0, 1]);
    let answered = false;
    void offsets.then(() => (answered = true));
    await tick();
    expect(answered).toBe(false); // still committing
    bridge.acknowledge();
    expect(await offsets).toEqual(new Map([[0, 2n], [1, 0n]]));
    await tick();
    // Both handlers may go on: the consumer reads from the offsets above again.
    expect(taken.state()).toBe('resolved');
    expect(queued.state()).toBe('resolved');
    // Nothing of theirs is handed over any more.
    const stop = new AbortController();
    const next = bridge.take(10, stop.signal);
    await tick();
    stop.abort();
    expect(await next).toBeUndefined();
    expect(bridge.checkpoint.get(0)).toBe(1);
  });

  it('fails the pending offers when closed, and refuses new ones', async () => {
    const bridge = new BatchBridge(new Map());
    const pending = watch(bridge.offer(0, entries(0, 0, 1)));
    bridge.close();
    await tick();
    expect(pending.state()).toBe('rejected');
    expect(pending.error()).toBeInstanceOf(FeedClosedError);
    await expect(bridge.offer(0, entries(0, 1, 1))).rejects.toBeInstanceOf(FeedClosedError);
    expect(await bridge.take(10, undefined)).toBeUndefined();
  });

  it('makes the next take throw a consumer failure', async () => {
    const bridge = new BatchBridge(new Map());
    const waiting = bridge.take(10, undefined);
    bridge.fail(new Error('stored offset outside the log'));
    await expect(waiting).rejects.toThrow('stored offset outside the log');
  });
});
