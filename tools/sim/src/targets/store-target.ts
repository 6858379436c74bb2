import type { EventStore } from '@npo/event-store';
import type { SimStep } from '../pipeline/simulation.js';
import { storeBatches, type StoreBatch } from './store-batches.js';

export interface StoreWriteOptions {
  /** Events gathered before the appends go out together (one group commit in the SQLite adapter). Default 5,000. */
  readonly batchEvents?: number;
  /** Refuse to write into a store that already holds events (default true): expected versions assume empty streams. */
  readonly requireEmpty?: boolean;
  /** Called after each batch with the number of events written so far. */
  readonly onProgress?: (eventsWritten: number) => void;
}

export interface StoreWriteResult {
  readonly steps: number;
  readonly events: number;
  readonly appends: number;
  readonly streams: number;
  readonly lastGlobalPosition: number;
}

export const DEFAULT_BATCH_EVENTS = 5_000;

export class StoreNotEmptyError extends Error {
  readonly code = 'sim-store-not-empty' as const;
  constructor(readonly headPosition: number) {
    super(`The event store already holds events (head position ${headPosition}); the simulator writes into an empty store only.`);
    this.name = 'StoreNotEmptyError';
  }
}

export async function assertEmpty(store: EventStore): Promise<void> {
  const head = await store.headPosition();
  if (head >= 0) throw new StoreNotEmptyError(head);
}

/**
 * Appends batches: each batch's appends (one per stream, with the expected version the domain decided
 * on) are issued in the same tick, so the store can commit them in one transaction. A wrong expected
 * version means someone else wrote to the store meanwhile: the store's error is passed on.
 */
export async function writeBatches(
  store: EventStore,
  batches: Iterable<StoreBatch> | AsyncIterable<StoreBatch>,
  options: Omit<StoreWriteOptions, 'batchEvents'> = {},
): Promise<StoreWriteResult> {
  if (options.requireEmpty ?? true) await assertEmpty(store);
  let steps = 0;
  let events = 0;
  let appends = 0;
  let lastGlobalPosition = -1;
  const streams = new Set<string>();
  for await (const batch of batches) {
    const results = await Promise.all(
      batch.appends.map((p) => store.append(p.streamId, p.events, { expectedVersion: p.expectedVersion < 0 ? 'no_stream' : p.expectedVersion })),
    );
    for (const r of results) lastGlobalPosition = Math.max(lastGlobalPosition, r.lastGlobalPosition);
    for (const p of batch.appends) streams.add(p.streamId);
    steps += batch.steps;
    events += batch.events;
    appends += batch.appends.length;
    options.onProgress?.(events);
  }
  return { steps, events, appends, streams: streams.size, lastGlobalPosition };
}

/** Bulk load of a run's steps, generated on this thread. */
export async function writeToStore(store: EventStore, steps: Iterable<SimStep>, options: StoreWriteOptions = {}): Promise<StoreWriteResult> {
  const batchEvents = options.batchEvents ?? DEFAULT_BATCH_EVENTS;
  if (!Number.isSafeInteger(batchEvents) || batchEvents < 1) throw new RangeError(`batchEvents must be a whole number >= 1, got ${String(batchEvents)}`);
  return writeBatches(store, storeBatches(steps, batchEvents), options);
}
