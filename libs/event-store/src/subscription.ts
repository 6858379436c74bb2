import type { RecordedEvent } from '@npo/contracts';
import type { AppendNotifier } from './append-notifier.js';
import type { SubscribeOptions } from './event-store.port.js';
import { normaliseSubscribe } from './validation.js';

export interface SubscriptionSource<T extends { readonly globalPosition: number } = RecordedEvent> {
  readonly notifier: AppendNotifier;
  isClosed(): boolean;
  /** Up to `max` events with globalPosition > `after`, in order, from one consistent snapshot. */
  readPage(after: number, max: number): readonly T[] | Promise<readonly T[]>;
  /** Re-read at least this often even without a notification (writers in other processes). */
  readonly pollIntervalMs?: number;
}

/**
 * Catch-up in pages, then live. Positions only move forward: each page starts strictly after the last
 * delivered event, and a page is a prefix of the committed log because positions are assigned in commit
 * order; so nothing is skipped or delivered twice.
 */
export function subscribeToAll<T extends { readonly globalPosition: number } = RecordedEvent>(
  source: SubscriptionSource<T>,
  options: SubscribeOptions | undefined,
): AsyncIterable<readonly T[]> {
  const { after: start, maxBatchSize } = normaliseSubscribe(options);
  const signal = options?.signal;
  async function* run(): AsyncGenerator<readonly T[], void, undefined> {
    let after = start;
    const stopped = (): boolean => source.isClosed() || signal?.aborted === true;
    while (!stopped()) {
      const seen = source.notifier.version;
      const page = await source.readPage(after, maxBatchSize);
      if (stopped()) return;
      const last = page.at(-1);
      if (last !== undefined) {
        after = last.globalPosition;
        yield page;
        continue;
      }
      await source.notifier.wait(seen, source.pollIntervalMs, signal);
    }
  }
  return run();
}
