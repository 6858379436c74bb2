import type { NewEvent } from '@npo/contracts';
import type { SimStep } from '../pipeline/simulation.js';

/** One append: a stream's events of one batch, after the version the domain decided them on. */
export interface PendingAppend {
  readonly streamId: string;
  /** Stream position before the append; -1 for a new stream. */
  readonly expectedVersion: number;
  readonly events: NewEvent[];
}

export interface StoreBatch {
  readonly appends: readonly PendingAppend[];
  readonly steps: number;
  readonly events: number;
}

/**
 * Groups steps into batches of at least `batchEvents` events (a batch ends after the step that
 * reaches it), one append per stream per batch, streams in order of first appearance.
 */
export function* storeBatches(steps: Iterable<SimStep>, batchEvents: number): Generator<StoreBatch> {
  if (!Number.isSafeInteger(batchEvents) || batchEvents < 1) throw new RangeError(`batchEvents must be a whole number >= 1, got ${String(batchEvents)}`);
  let batch = new Map<string, PendingAppend>();
  let stepCount = 0;
  let eventCount = 0;
  for (const step of steps) {
    const open = batch.get(step.streamId);
    if (open === undefined) batch.set(step.streamId, { streamId: step.streamId, expectedVersion: step.versionBefore, events: [...step.events] });
    else open.events.push(...step.events);
    stepCount++;
    eventCount += step.events.length;
    if (eventCount >= batchEvents) {
      yield { appends: [...batch.values()], steps: stepCount, events: eventCount };
      batch = new Map();
      stepCount = 0;
      eventCount = 0;
    }
  }
  if (batch.size > 0) yield { appends: [...batch.values()], steps: stepCount, events: eventCount };
}
