import type { Readable } from 'node:stream';
import type { RecordedEvent } from '@npo/contracts';
import { START, type AllStreamResolvedEvent, type ReadPosition } from '@kurrent/kurrentdb-client';
import type { EventStoreError } from '../errors.js';
import { normaliseSubscribe } from '../validation.js';
import type { SubscribeOptions } from '../event-store.port.js';
import { reconnectDelay, type ReconnectPolicy } from './backoff.js';
import { BatchReader } from './batch-reader.js';
import { isInvalidPositionError, isTransientDriverError, toEventStoreError } from './driver-errors.js';
import { toReadPosition } from './positions.js';

/** One live server subscription: a stream of resolved events, and how to cancel it. */
export interface OpenSubscription {
  readonly events: Readable;
  close(): Promise<void>;
}

export interface ReconnectInfo {
  /** Consecutive failed attempts so far (1 for the first reconnect). */
  readonly attempt: number;
  readonly delayMs: number;
  /** Last position delivered before the drop; the subscription resumes after it. */
  readonly after: number;
  readonly error: EventStoreError;
}

export interface SubscriptionSource {
  /**
   * Opens a server-side filtered catch-up subscription on $all from `from` (inclusive or not: both
   * work), buffering up to `bufferSize` events.
   */
  open(from: ReadPosition, bufferSize: number): OpenSubscription;
  /** A project event as RecordedEvent, or undefined for anything else (link, system or foreign stream). */
  convert(resolved: AllStreamResolvedEvent): RecordedEvent | undefined;
  /** Aborted when the store closes. */
  readonly closing: AbortSignal;
  readonly policy: ReconnectPolicy;
  /** In [0, 1): jitter for the backoff. */
  random(): number;
  onReconnect?(info: ReconnectInfo): void;
}

function sleep(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}

/**
 * Catch-up then live over $all, surviving dropped connections: after a transient failure it waits
 * (exponential backoff with jitter) and subscribes again from the last delivered event. Every event is
 * checked against the last delivered position, so a resubscription that starts at (not after) that
 * event, or a server that replays, never causes a repeat. Errors that no retry cures end the iteration
 * with the port's typed error.
 */
export function reconnectingSubscription(source: SubscriptionSource, options: SubscribeOptions | undefined): AsyncIterable<readonly RecordedEvent[]> {
  const { after: start, maxBatchSize } = normaliseSubscribe(options);
  const userSignal = options?.signal;
  const stop = userSignal === undefined ? source.closing : AbortSignal.any([source.closing, userSignal]);

  async function* run(): AsyncGenerator<readonly RecordedEvent[], void, undefined> {
    let after = start;
    let from: ReadPosition = toReadPosition(after);
    let failures = 0;
    while (!stop.aborted) {
      const subscription = source.open(from, maxBatchSize);
      const reader = new BatchReader<AllStreamResolvedEvent>(subscription.events);
      let failure: unknown;
      try {
        for (;;) {
          const read = await reader.next(maxBatchSize, stop);
          if (read.kind === 'stopped') return;
          // The server does not end a subscription on its own: treat an end like a dropped connection.
          if (read.kind === 'ended') throw new Error('the server ended the subscription');
          failures = 0;
          const batch: RecordedEvent[] = [];
          for (const resolved of read.items) {
            const event = source.convert(resolved);
            if (event === undefined || event.globalPosition <= after) continue;
            batch.push(event);
            after = event.globalPosition;
          }
          if (batch.length === 0) continue;
          from = toReadPosition(after);
          yield batch;
        }
      } catch (error) {
        failure = error;
      } finally {
        await subscription.close().catch(() => undefined);
      }
      if (stop.aborted) return;
      if (isInvalidPositionError(failure) && from !== START) {
        // `after` was not the start of a log record (any integer is a valid checkpoint in the port):
        // scan from the beginning instead; the position check drops everything up to `after`.
        from = START;
      } else if (!isTransientDriverError(failure)) {
        throw toEventStoreError(failure, { operation: 'subscribe to $all' });
      }
      failures++;
      const mapped = toEventStoreError(failure, { operation: 'subscribe to $all' });
      if (failures > source.policy.maxAttempts) throw mapped;
      const delayMs = reconnectDelay(failures, source.policy, source.random());
      source.onReconnect?.({ attempt: failures, delayMs, after, error: mapped });
      await sleep(delayMs, [stop]);
    }
  }
  return run();
}
