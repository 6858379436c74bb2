import type { RecordedEvent as KurrentRecordedEvent } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { DuplicateEventIdError } from '../errors.js';
import { resolveStoredIds } from '../idempotency.js';
import { CLAIM_EVENT_TYPE, claimEvent, claimOwner, claimStreamId, storedPositions, type ClaimOutcome } from './event-id-claims.js';
import { UnreadableEventError } from './kurrentdb-errors.js';

const ids = ['0190a1b2-0000-7000-8000-000000000001', '0190a1b2-0000-7000-8000-000000000002', '0190a1b2-0000-7000-8000-000000000003'];
const stream = 'school-16SW';
const at = (streamPosition: number, globalPosition: number) => ({ streamId: stream, streamPosition, globalPosition });

/** A claim as read back: the client parses the JSON it wrote. */
const readBack = (claimId: string, owner: string): KurrentRecordedEvent => {
  const written = claimEvent(claimId, owner);
  return {
    streamId: claimStreamId('npo-event-id-', ids[0]!),
    id: written.id,
    revision: 0n,
    type: written.type,
    created: new Date(0),
    isJson: true,
    data: JSON.parse(JSON.stringify(written.data)) as never,
    metadata: undefined,
    position: { commit: 10n, prepare: 10n },
  };
};

describe('event-id claims', () => {
  it('names one claim stream per event id and records the owning stream in it', () => {
    expect(claimStreamId('npo-event-id-', ids[0]!)).toBe(`npo-event-id-${ids[0]}`);
    const claim = claimEvent('0190a1b2-9999-7000-8000-000000000000', stream);
    expect(claim).toMatchObject({ type: CLAIM_EVENT_TYPE, contentType: 'application/json', data: { streamId: stream } });
    expect(claimOwner(readBack(claim.id, stream))).toBe(stream);
  });

  it('refuses to read anything else as a claim', () => {
    const claim = readBack('0190a1b2-9999-7000-8000-000000000000', stream);
    expect(() => claimOwner({ ...claim, type: 'npo.ScanCompleted' })).toThrow(UnreadableEventError);
    expect(() => claimOwner({ ...claim, data: { owner: stream } as never })).toThrow(UnreadableEventError);
  });

  const fresh: ClaimOutcome = { kind: 'new' };
  const mine: ClaimOutcome = { kind: 'existing', owner: stream };
  const theirs: ClaimOutcome = { kind: 'existing', owner: 'school-99ZZ' };

  it('recognises a retry: all ids claimed by this stream and found there in order', () => {
    const located = new Map(ids.map((id, i) => [id, at(4 + i, 1_000 + i * 250)]));
    const stored = storedPositions(stream, ids, [mine, mine, mine], located);
    expect(resolveStoredIds(stream, ids, stored)).toEqual({
      streamId: stream,
      nextExpectedVersion: 6,
      lastGlobalPosition: 1_500,
      events: ids.map((id, i) => ({ id, streamPosition: 4 + i, globalPosition: 1_000 + i * 250 })),
    });
  });

  it('treats ids claimed by an append that never landed as free', () => {
    const stored = storedPositions(stream, ids, [mine, mine, fresh], new Map());
    expect(stored).toEqual([undefined, undefined, undefined]);
    expect(resolveStoredIds(stream, ids, stored)).toBeUndefined();
  });

  it('reports an id claimed by another stream as a duplicate stored there', () => {
    const stored = storedPositions(stream, ids, [fresh, theirs, fresh], new Map());
    const error = (() => {
      try {
        resolveStoredIds(stream, ids, stored);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    expect(error).toMatchObject({ eventId: ids[1], streamId: stream, existingStreamId: 'school-99ZZ' });
  });

  it('reports a batch mixing a stored id with new ones as a duplicate', () => {
    const located = new Map([[ids[2]!, at(0, 77)]]);
    const stored = storedPositions(stream, ids, [fresh, fresh, mine], located);
    expect(() => resolveStoredIds(stream, ids, stored)).toThrow(DuplicateEventIdError);
  });
});
