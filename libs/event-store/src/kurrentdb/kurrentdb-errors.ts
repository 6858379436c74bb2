import { EventStoreError } from '../errors.js';

/**
 * An event in KurrentDB that this adapter cannot turn into a RecordedEvent: not written through it
 * (no envelope in its metadata, binary data), or at a position the port cannot carry (an event of a
 * legacy explicit transaction). Skipping it would lose data silently, so reads and subscriptions stop.
 */
export class UnreadableEventError extends EventStoreError {
  readonly code = 'EVENT_STORE_UNREADABLE_EVENT';

  constructor(
    readonly streamId: string,
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`Event ${eventId} in stream ${streamId} cannot be read: ${reason}`);
  }
}
