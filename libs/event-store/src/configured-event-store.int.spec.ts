import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refusedPort } from '../test/support/refused-port.js';
import { openConfiguredEventStore, SQLITE_EVENT_STORE_FILE } from './configured-event-store.js';
import { EventStoreUnavailableError } from './errors.js';

const dataDir = mkdtempSync(join(tmpdir(), 'npo-configured-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('openConfiguredEventStore', () => {
  it('opens the SQLite store by default', async () => {
    const store = await openConfiguredEventStore({ dataDir: join(dataDir, 'nested'), eventStore: { kind: 'sqlite' } });
    expect(await store.headPosition()).toBe(-1);
    await store.close();
    expect(existsSync(join(dataDir, 'nested', SQLITE_EVENT_STORE_FILE))).toBe(true);
  });

  it('selects the KurrentDB adapter and fails fast when the server is unreachable', async () => {
    const config = {
      dataDir,
      eventStore: { kind: 'kurrentdb', connectionString: `kurrentdb://admin:n0t-leaked@127.0.0.1:${await refusedPort()}?tls=false` },
    } as const;
    const error = await openConfiguredEventStore(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/KurrentDB/);
    expect((error as Error).message).not.toContain('n0t-leaked');
  });
});
