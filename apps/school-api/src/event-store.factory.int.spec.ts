import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreUnavailableError } from '@npo/event-store';
import { loadConfig } from '@npo/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { openConfiguredEventStore } from './event-store.factory.js';

const dataDir = mkdtempSync(join(tmpdir(), 'npo-school-api-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A loopback port nothing listens on. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('openConfiguredEventStore', () => {
  it('opens the SQLite store by default', async () => {
    const store = await openConfiguredEventStore(loadConfig({ NPO_DATA_DIR: dataDir }));
    expect(await store.headPosition()).toBe(-1);
    await store.close();
  });

  it('selects the KurrentDB adapter with NPO_EVENT_STORE=kurrentdb and fails fast when the server is unreachable', async () => {
    const config = loadConfig({
      NPO_DATA_DIR: dataDir,
      NPO_EVENT_STORE: 'kurrentdb',
      EVENTSTORE_CONNECTION_STRING: `kurrentdb://admin:n0t-leaked@127.0.0.1:${await refusedPort()}?tls=false`,
    });
    const error = await openConfiguredEventStore(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/KurrentDB/);
    expect((error as Error).message).not.toContain('n0t-leaked');
  });
});
