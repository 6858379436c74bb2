import type { NewEvent } from '@npo/contracts';
import type { EventStore } from '@npo/event-store';
import type { SimStep } from '../pipeline/simulation.js';

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

export class StoreNotEmptyError extends Error {
  readonly code = 'sim-store-not-empty' as const;
  constructor(readonly headPosition: number) {
    super(`The event store already holds events (head position ${headPosition}); the simulator writes into an empty store only.`);
    this.name = 'StoreNotEmptyError';
  }
}

interface PendingAppend {
  readonly streamId: string;
  readonly expectedVersion: number;
  readonly events: NewEvent[];
}

/**
 * Bulk load: steps are gathered into batches, each batch becomes one append per stream with the
 * expected version the domain decided on, and all appends of a batch are issued in the same tick so
 * the store can commit them in one transaction. A wrong expected version means the store was written
 * to meanwhile: the store's error is passed on and the run stops.
 */
export async function writeToStore(store: EventStore, steps: Iterable<SimStep>, options: StoreWriteOptions = {}): Promise<StoreWriteResult> {
  const batchEvents = options.batchEvents ?? 5_000;
  if (!Number.isSafeInteger(batchEvents) || batchEvents < 1) throw new RangeError(`batchEvents must be a whole number >= 1, got ${String(batchEvents)}`);
  if (options.requireEmpty ?? true) {
    const head = await store.headPosition();
    if (head >= 0) throw new StoreNotEmptyError(head);
  }
  let stepCount = 0;
  let events = 0;
  let appends = 0;
  let lastGlobalPosition = -1;
  const streams = new Set<string>();
  let batch = new Map<string, PendingAppend>();
  let batchSize = 0;

  const flush = async () => {
    if (batch.size === 0) return;
    const pending = [...batch.values()];
    batch = new Map();
    batchSize = 0;
    const results = await Promise.all(
      pending.map((p) => store.append(p.streamId, p.events, { expectedVersion: p.expectedVersion < 0 ? 'no_stream' : p.expectedVersion })),
    );
    for (const r of results) lastGlobalPosition = Math.max(lastGlobalPosition, r.lastGlobalPosition);
    appends += pending.length;
    options.onProgress?.(events);
  };

  for (const step of steps) {
    stepCount++;
    const open = batch.get(step.streamId);
    if (open === undefined) batch.set(step.streamId, { streamId: step.streamId, expectedVersion: step.versionBefore, events: [...step.events] });
    else open.events.push(...step.events);
    streams.add(step.streamId);
    events += step.events.length;
    batchSize += step.events.length;
    if (batchSize >= batchEvents) await flush();
  }
  await flush();
  return { steps: stepCount, events, appends, streams: streams.size, lastGlobalPosition };
}
