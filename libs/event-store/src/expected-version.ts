import { WrongExpectedVersionError } from './errors.js';
import type { ExpectedVersion } from './event-store.port.js';

/** `current` is the stream's last streamPosition, -1 when the stream has no events. */
export function assertExpectedVersion(streamId: string, expected: ExpectedVersion, current: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && current === -1) ||
    (expected === 'stream_exists' && current >= 0) ||
    (typeof expected === 'number' && expected === current);
  if (!ok) throw new WrongExpectedVersionError(streamId, expected, current === -1 ? 'no_stream' : current);
}
