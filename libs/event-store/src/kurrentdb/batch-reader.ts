import type { Readable } from 'node:stream';

export type BatchRead<T> = { readonly kind: 'batch'; readonly items: T[] } | { readonly kind: 'ended' } | { readonly kind: 'stopped' };

/**
 * Pulls what an object-mode stream has buffered, up to `max` items at a time, so a catch-up arrives in
 * full batches and a live trickle in small ones, without a timer. Not reading applies backpressure.
 *
 * The KurrentDB subscription reports a failed gRPC call by emitting 'error' without ending itself, so
 * the error is kept here and thrown from the next `next()`; the permanent listener also keeps an error
 * event from crashing the process.
 */
export class BatchReader<T> {
  readonly #source: Readable;
  #error: { readonly value: unknown } | undefined;
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(source: Readable) {
    this.#source = source;
    source.on('error', (error: unknown) => {
      this.#error ??= { value: error };
      this.#notify();
    });
    source.on('readable', () => this.#notify());
    source.on('end', () => this.#finish());
    source.on('close', () => this.#finish());
  }

  /** The next batch; `ended` when the stream ends, `stopped` when `signal` aborts first. */
  async next(max: number, signal: AbortSignal): Promise<BatchRead<T>> {
    for (;;) {
      if (signal.aborted) return { kind: 'stopped' };
      if (this.#error !== undefined) throw this.#error.value;
      const items: T[] = [];
      while (items.length < max) {
        const item = this.#source.read() as T | null;
        if (item === null) break;
        items.push(item);
      }
      if (items.length > 0) return { kind: 'batch', items };
      if (this.#ended) return { kind: 'ended' };
      await this.#waitForChange(signal);
    }
  }

  #waitForChange(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #finish(): void {
    this.#ended = true;
    this.#notify();
  }

  #notify(): void {
    this.#wake?.();
  }
}
