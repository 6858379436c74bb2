import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { openKurrentDbEventStore } from '@npo/event-store/kurrentdb';
import type { PlatformConfig } from '@npo/platform';

/** The store the configuration names: analytics reads its global log (embedded mode) or nothing (Kafka feed). */
export async function openConfiguredEventStore(config: PlatformConfig): Promise<EventStore> {
  switch (config.eventStore.kind) {
    case 'sqlite':
      await mkdir(config.dataDir, { recursive: true });
      return openSqliteEventStore({ path: join(config.dataDir, 'events.sqlite') });
    case 'kurrentdb':
      return openKurrentDbEventStore({ connectionString: config.eventStore.connectionString });
    default: {
      const unknown: never = config.eventStore;
      throw new Error(`unknown event store ${JSON.stringify(unknown)}`);
    }
  }
}
