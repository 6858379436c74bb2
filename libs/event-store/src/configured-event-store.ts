import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventStore } from './event-store.port.js';
import { openSqliteEventStore } from './sqlite/sqlite-event-store.js';

/** Which adapter a deployment runs: the embedded default, or a KurrentDB/EventStoreDB server. */
export type EventStoreSelection = { readonly kind: 'sqlite' } | { readonly kind: 'kurrentdb'; readonly connectionString: string };

/**
 * The part of an app's configuration that picks the store. Structural on purpose: this library may not
 * import the platform's config, and every app's config has this shape.
 */
export interface EventStoreConfig {
  readonly dataDir: string;
  readonly eventStore: EventStoreSelection;
}

/** The file every embedded-mode service shares inside NPO_DATA_DIR. */
export const SQLITE_EVENT_STORE_FILE = 'events.sqlite';

/**
 * Opens the adapter the configuration selects. KurrentDB's gRPC client loads only on this path, so
 * embedded deployments never load it.
 */
export async function openConfiguredEventStore(config: EventStoreConfig): Promise<EventStore> {
  const selection = config.eventStore;
  switch (selection.kind) {
    case 'sqlite':
      await mkdir(config.dataDir, { recursive: true });
      return openSqliteEventStore({ path: join(config.dataDir, SQLITE_EVENT_STORE_FILE) });
    case 'kurrentdb': {
      const { openKurrentDbEventStore } = await import('./kurrentdb/index.js');
      return openKurrentDbEventStore({ connectionString: selection.connectionString });
    }
    default: {
      const unknown: never = selection;
      throw new Error(`unknown event store ${JSON.stringify(unknown)}`);
    }
  }
}
