import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.js';

/** A promise the test settles by hand, to control exactly when a piece of work finishes. */
function gate(): { promise: Promise<void>; open: () => void; fail: (e: Error) => void } {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

const ticks = async (n = 5): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

describe('KeyedMutex', () => {
  it('runs work on one key one at a time, in the order it was submitted', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const gates = [gate(), gate(), gate()];
    const runs = gates.map((g, i) =>
      mutex.run('school-16SW', async () => {
        log.push(`start ${i}`);
        await g.promise;
        log.push(`end ${i}`);
        return i;
      }),
    );
    await ticks();
    expect(log).toEqual(['start 0']);
    // Finishing them out of order must not let a later one overtake.
    gates[2]!.open();
    gates[1]!.open();
    await ticks();
    expect(log).toEqual(['start 0']);
    gates[0]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('lets work on different keys run at the same time', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const a = gate();
    const first = mutex.run('school-16SW', async () => {
      log.push('a start');
      await a.promise;
      log.push('a end');
    });
    const second = mutex.run('school-17XX', async () => {
      log.push('b ran');
    });
    await second;
    expect(log).toEqual(['a start', 'b ran']);
    a.open();
    await first;
    expect(log).toEqual(['a start', 'b ran', 'a end']);
  });

  it('passes a failure to its own caller only; the next work on the key still runs', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('k', async () => {
      throw new Error('refused');
    });
    const next = mutex.run('k', async () => 'next ran');
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next ran');
  });

  it('a synchronous throw inside the work is a rejection, not a broken queue', async () => {
    const mutex = new KeyedMutex();
    const boom = mutex.run('k', () => {
      throw new Error('sync');
    });
    await expect(boom).rejects.toThrow('sync');
    await expect(mutex.run('k', async () => 1)).resolves.toBe(1);
  });

  it('forgets a key once its queue has drained, so one mutex over many streams does not grow', async () => {
    const mutex = new KeyedMutex();
    const held = () => (mutex as unknown as { tails: Map<string, unknown> }).tails.size;
    const a = gate();
    const running = Promise.all(Array.from({ length: 100 }, (_, i) => mutex.run(`school-${i % 10}`, () => a.promise)));
    expect(held()).toBe(10);
    a.open();
    await running;
    await ticks();
    expect(held()).toBe(0);
  });
});
