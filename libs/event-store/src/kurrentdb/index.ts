import type { EventStore } from '../event-store.port.js';
import type { KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';

// The KurrentDB adapter's entry point. It loads the gRPC client (and its native bridge) only when a
// store is opened, so an app can import it unconditionally and still run on SQLite without it.
export type { KurrentDbEventStoreOptions } from './kurrentdb-event-store.js';
export type { ReconnectPolicy } from './backoff.js';
export type { ReconnectInfo } from './reconnecting-subscription.js';
export { toKurrentPosition } from './positions.js';
export { UnreadableEventError } from './kurrentdb-errors.js';

/**
 * Connects to KurrentDB (or EventStoreDB >= 22.6): `openKurrentDbEventStore({ connectionString })`.
 * Rejects with EventStoreUnavailableError when the server cannot be reached (unless
 * `verifyConnection: false`), InvalidArgumentError for a malformed connection string or option.
 */
export async function openKurrentDbEventStore(options: KurrentDbEventStoreOptions): Promise<EventStore> {
  const adapter = await import('./kurrentdb-event-store.js');
  return adapter.openKurrentDbEventStore(options);
}
