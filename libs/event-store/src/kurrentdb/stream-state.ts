import { ANY, NO_STREAM, STREAM_EXISTS, type AppendStreamState, type CurrentStreamState } from '@kurrent/kurrentdb-client';
import type { ActualVersion } from '../errors.js';
import type { ExpectedVersion } from '../event-store.port.js';

/**
 * The port's expected version as KurrentDB's append stream state. Both count an event's position in its
 * stream from 0 and mean "the last event's position" by a number, so a number maps to that revision.
 */
export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default: {
      if (typeof expected === 'number') return BigInt(expected);
      const unknown: never = expected;
      throw new TypeError(`unknown expected version ${String(unknown)}`);
    }
  }
}

/**
 * The stream's actual version as KurrentDB reports it in a conflict. Some server paths send a
 * revision of -1 (or -5/-6 for deleted streams) instead of "no stream": every negative value means
 * the stream has no events to append after.
 */
export function toActualVersion(current: CurrentStreamState | undefined): ActualVersion {
  if (current === undefined || current === NO_STREAM || current < 0n) return 'no_stream';
  return Number(current);
}
