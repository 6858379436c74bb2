import type { Position, ReadPosition } from '@kurrent/kurrentdb-client';
import { UnreadableEventError } from './kurrentdb-errors.js';

/*
 * Why the commit position alone is a valid `globalPosition`:
 *
 * KurrentDB stores every event as a prepare record in its transaction log. An append over gRPC (one
 * stream, no explicit transaction) flags each prepare as committed by itself, and the server reports
 * such an event at {commit: p, prepare: p}, p being that record's own byte offset in the log: on $all
 * reads, $all subscriptions and (since 22.6) stream reads alike. No two records share an offset, and
 * offsets grow in log order, so the commit position is unique per event and increases along $all.
 *
 * Only events of legacy explicit transactions (TCP API, gone from gRPC) carry commit != prepare: they
 * all share the offset of their commit record, which would give several events one globalPosition. The
 * adapter never writes those and refuses to read them rather than break uniqueness.
 *
 * Resuming: a forward read of $all from {commit: p, prepare: p} starts AT the event at p (inclusive),
 * so "after p" means reading from there and dropping p itself. `toKurrentPosition` rebuilds the full
 * pair for callers that resume $all reads themselves.
 *
 * Offsets are bytes: a log would need 2^53 bytes (8 PiB) before a position stops being a safe integer.
 */

// Type-only client imports: the public entry point re-exports this module without loading the client.
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The KurrentDB position of the event at `globalPosition`, to resume a $all read or subscription at it. */
export function toKurrentPosition(globalPosition: number): Position {
  if (!Number.isSafeInteger(globalPosition) || globalPosition < 0) {
    throw new RangeError(`globalPosition must be a safe integer >= 0, got ${globalPosition}`);
  }
  const p = BigInt(globalPosition);
  return { commit: p, prepare: p };
}

/** Where a forward $all read must start to see every event after `after` (-1: from the beginning). */
export const toReadPosition = (after: number): ReadPosition => (after < 0 ? 'start' : toKurrentPosition(after));

/** The port's globalPosition for an event KurrentDB reported at `position`. */
export function toGlobalPosition(position: Position | undefined, streamId: string, eventId: string): number {
  if (position === undefined) {
    throw new UnreadableEventError(streamId, eventId, 'the server reported no log position (KurrentDB/EventStoreDB >= 22.6 is required)');
  }
  const { commit, prepare } = position;
  if (commit !== prepare) {
    throw new UnreadableEventError(streamId, eventId, `it belongs to an explicit transaction (commit ${commit} != prepare ${prepare})`);
  }
  if (commit < 0n || commit > MAX_SAFE) throw new UnreadableEventError(streamId, eventId, `log position ${commit} is outside 0..2^53-1`);
  return Number(commit);
}

/** KurrentDB revision (event number in its stream) to the port's streamPosition. */
export function toStreamPosition(revision: bigint, streamId: string, eventId: string): number {
  if (revision < 0n || revision > MAX_SAFE) throw new UnreadableEventError(streamId, eventId, `revision ${revision} is outside 0..2^53-1`);
  return Number(revision);
}

/** The port's streamPosition (a validated safe integer >= 0) as a KurrentDB revision. */
export const toRevision = (streamPosition: number): bigint => BigInt(streamPosition);
