import { describe, expect, it } from 'vitest';
import { isRunning, type ProcReader } from './process-control.js';

/*
 * The exit states a real process passes through in milliseconds, held still: /proc as it looks at each
 * moment, for a pid that is alive to kill(pid, 0) (this test's own).
 */
const procAt = (threadStates: readonly string[], cmdline: readonly string[] = ['node', '/repo/apps/analytics/dist/main.js']): ProcReader => ({
  available: () => true,
  threadStates: () => threadStates,
  cmdline: () => cmdline,
});
const self = process.pid;

describe('isRunning', () => {
  it('is running while any thread has not exited, even when the main thread is already a zombie', () => {
    expect(isRunning(self, undefined, procAt(['S', 'R']))).toBe(true);
    expect(isRunning(self, undefined, procAt(['Z', 'R']))).toBe(true);
    expect(isRunning(self, undefined, procAt(['Z', 'D']))).toBe(true);
  });

  it('has exited when every thread is a zombie or gone', () => {
    expect(isRunning(self, undefined, procAt(['Z']))).toBe(false);
    expect(isRunning(self, undefined, procAt(['Z', 'X']))).toBe(false);
    expect(isRunning(self, undefined, procAt([]))).toBe(false);
  });

  it('takes a pid for the recorded program only while its command line names it', () => {
    expect(isRunning(self, 'apps/analytics/dist/main.js', procAt(['S']))).toBe(true);
    expect(isRunning(self, 'apps/school-api/dist/main.js', procAt(['S']))).toBe(false);
    // Exiting: the arguments are gone before the threads are. Not ours to signal, but still running.
    expect(isRunning(self, 'apps/analytics/dist/main.js', procAt(['R'], []))).toBe(false);
    expect(isRunning(self, undefined, procAt(['R'], []))).toBe(true);
  });

  it('goes by kill(pid, 0) where there is no /proc', () => {
    const none: ProcReader = { available: () => false, threadStates: () => [], cmdline: () => [] };
    expect(isRunning(self, 'anything', none)).toBe(true);
  });

  it('reads this process from the real /proc as running, with its own entry', () => {
    expect(isRunning(self)).toBe(true);
    expect(isRunning(self, process.argv[1]?.split('/').pop() ?? 'node')).toBe(true);
  });
});
