import { join } from 'node:path';
import { openSqliteEventStore, type ExpectedVersion } from '@npo/event-store';
import type { Contender } from '../../harness/benchmark.js';
import { drive, makeEvents } from './fixtures.js';

export const npoSqlite: Contender = {
  name: 'npo-sqlite',
  description: '@npo/event-store SQLite adapter (better-sqlite3, WAL, synchronous=FULL, group commit)',
  async prepare(workload, { dir, size }) {
    const events = makeEvents(size);
    const store = await openSqliteEventStore({ path: join(dir, 'events.sqlite') });
    const versions = new Map<string, ExpectedVersion>();
    return {
      run: () =>
        drive(
          workload,
          {
            async append(streamId, batch) {
              const r = await store.append(streamId, batch, { expectedVersion: versions.get(streamId) ?? 'no_stream' });
              versions.set(streamId, r.nextExpectedVersion);
            },
          },
          events,
        ),
      verify: async () => (await store.headPosition()) + 1,
      dispose: () => store.close(),
    };
  },
};
