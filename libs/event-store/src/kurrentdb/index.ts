// The KurrentDB adapter, on its own entry point: only apps that select it load the gRPC client and its
// native bridge.
export { openKurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';
export type { ReconnectPolicy } from './backoff.js';
export type { ReconnectInfo } from './reconnecting-subscription.js';
export { DEFAULT_STREAM_PREFIXES } from './stream-filter.js';
export { DEFAULT_EVENT_ID_STREAM_PREFIX } from './event-id-claims.js';
export { toKurrentPosition } from './positions.js';
export { UnreadableEventError } from './kurrentdb-errors.js';
