import { DuplicateEventIdError } from './errors.js';
import type { AppendResult } from './event-store.port.js';

export interface StoredPosition {
  readonly streamId: string;
  readonly streamPosition: number;
  readonly globalPosition: number;
}

/**
 * Decides what an append whose ids are (partly) stored already is. `stored[i]` is where the batch's
 * i-th id lives, if anywhere. A retry is the same ids, in the same order, at consecutive positions of
 * the same stream: it gets the original result back. Anything else reusing an id is a duplicate.
 * Returns undefined when no id is stored (a fresh append).
 */
export function resolveStoredIds(
  streamId: string,
  ids: readonly string[],
  stored: readonly (StoredPosition | undefined)[],
): AppendResult | undefined {
  const firstStored = stored.findIndex((s) => s !== undefined);
  if (firstStored === -1) return undefined;
  const first = stored[0];
  const isRetry =
    first !== undefined &&
    stored.every((s, i) => s !== undefined && s.streamId === streamId && s.streamPosition === first.streamPosition + i);
  if (!isRetry) {
    throw new DuplicateEventIdError(ids[firstStored] as string, streamId, stored[firstStored]?.streamId);
  }
  const events = stored.map((s, i) => ({ id: ids[i] as string, streamPosition: s!.streamPosition, globalPosition: s!.globalPosition }));
  const last = events.at(-1)!;
  return { streamId, nextExpectedVersion: last.streamPosition, lastGlobalPosition: last.globalPosition, events };
}
