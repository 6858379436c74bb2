import type { RecordedEvent } from '@npo/contracts';
import type { SerializedEvent } from './event-store.port.js';

export const serializeEvent = (event: RecordedEvent): SerializedEvent => ({
  id: event.id,
  type: event.type,
  schemaVersion: event.schemaVersion,
  streamId: event.streamId,
  globalPosition: event.globalPosition,
  json: JSON.stringify(event),
});

/**
 * subscribeToAllSerialized for an adapter that holds events as objects. A plain iterator rather than a
 * generator: return() reaches the adapter's subscription at once, also while a read waits for appends.
 */
export function serializedPages(pages: AsyncIterable<readonly RecordedEvent[]>): AsyncIterable<readonly SerializedEvent[]> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<readonly SerializedEvent[]> {
      const inner = pages[Symbol.asyncIterator]();
      return {
        next: async () => {
          const read = await inner.next();
          return read.done === true ? { done: true, value: undefined } : { done: false, value: read.value.map(serializeEvent) };
        },
        return: async () => {
          await inner.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
