/**
 * Wakes live subscriptions after a commit. The counter closes the lost-wake-up window: a subscriber
 * reads `version` before its catch-up read and waits only if no commit happened since.
 */
export class AppendNotifier {
  #version = 0;
  #closed = false;
  readonly #waiters = new Set<() => void>();

  get version(): number {
    return this.#version;
  }

  notify(): void {
    this.#version++;
    this.#wakeAll();
  }

  close(): void {
    this.#closed = true;
    this.#wakeAll();
  }

  /** Resolves on the next notify after `seenVersion`, on close, on abort, or after `pollMs` (if given). */
  wait(seenVersion: number, pollMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    if (this.#closed || this.#version !== seenVersion || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        this.#waiters.delete(done);
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      if (pollMs !== undefined) timer = setTimeout(done, pollMs);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
