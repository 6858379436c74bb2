import type { JSONEventData, RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import type { StoredPosition } from '../idempotency.js';
import { UnreadableEventError } from './kurrentdb-errors.js';

/*
 * Why claim streams: the port makes an event id unique in the whole store (a retry to the same stream
 * returns the first result, any other reuse is a DuplicateEventIdError). KurrentDB only deduplicates
 * ids within one stream, and only for a retry with the same expected version (for `any`, only while
 * the id is in a bounded in-memory cache). It has no index by event id.
 *
 * So before an append, every id is claimed by appending one small event to the stream
 * `<prefix><event id>` with expected version `no_stream`. KurrentDB serialises those appends: exactly
 * one claim per id succeeds, and a conflict names the stream already holding it. A claim outlives an
 * append that failed after it (version conflict, crash): the id stays bound to its stream, where a
 * retry can still use it; using it for another stream is refused. Claims are outside the project's
 * stream prefixes, so they never appear in readAll or subscriptions.
 */

export const DEFAULT_EVENT_ID_STREAM_PREFIX = 'npo-event-id-';
export const CLAIM_EVENT_TYPE = 'npo.EventIdClaimed';

export const claimStreamId = (prefix: string, eventId: string): string => `${prefix}${eventId}`;

/** The claim, naming the stream the event is appended to. `claimId` is the claim event's own id. */
export const claimEvent = (claimId: string, owner: string): JSONEventData => ({
  id: claimId,
  contentType: 'application/json',
  type: CLAIM_EVENT_TYPE,
  data: { streamId: owner },
  metadata: undefined,
});

/** The stream named by a stored claim. */
export function claimOwner(event: KurrentRecordedEvent): string {
  const data = event.isJson ? (event.data as unknown) : undefined;
  const owner = typeof data === 'object' && data !== null ? (data as { streamId?: unknown }).streamId : undefined;
  if (event.type !== CLAIM_EVENT_TYPE || typeof owner !== 'string') {
    throw new UnreadableEventError(event.streamId, event.id, 'not an event-id claim written by this adapter');
  }
  return owner;
}

export type ClaimOutcome = { readonly kind: 'new' } | { readonly kind: 'existing'; readonly owner: string };

/**
 * Where each id of a batch is stored, if anywhere, as `resolveStoredIds` expects it. `located` holds
 * the ids found in the target stream. An id claimed by the target stream but not in it was claimed by
 * an append that never landed: not stored. An id claimed by another stream counts as stored there (its
 * position there is not needed: the batch can only be a duplicate).
 */
export function storedPositions(
  streamId: string,
  ids: readonly string[],
  claims: readonly ClaimOutcome[],
  located: ReadonlyMap<string, StoredPosition>,
): (StoredPosition | undefined)[] {
  return ids.map((id, i) => {
    const claim = claims[i];
    if (claim === undefined || claim.kind === 'new') return undefined;
    if (claim.owner !== streamId) return { streamId: claim.owner, streamPosition: -1, globalPosition: -1 };
    return located.get(id);
  });
}
