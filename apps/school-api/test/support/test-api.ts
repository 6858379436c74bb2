import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@npo/contracts';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { loadConfig, TokenService, type TokenRequest } from '@npo/platform';
import { startSchoolApi, type RunningSchoolApi } from '../../src/start-school-api.js';

/** The event store file the API opens under its data dir (see configured-event-store.ts in @npo/event-store). */
export const storeFileIn = (dataDir: string): string => join(dataDir, 'events.sqlite');

export const newDataDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'npo-school-api-e2e-'));
export const removeDataDir = (dir: string): Promise<void> => rm(dir, { recursive: true, force: true });

export interface TestApi {
  readonly url: string;
  readonly dataDir: string;
  readonly api: RunningSchoolApi;
  readonly tokens: TokenService;
  token(request: TokenRequest): Promise<string>;
  close(): Promise<void>;
}

export interface StartTestApiOptions {
  /** Share a data dir (and so the SQLite file and signing key) with another instance. */
  readonly dataDir?: string;
  /** Extra environment, e.g. NPO_BODY_LIMIT. */
  readonly env?: Readonly<Record<string, string>>;
  /** A store the caller owns; default: the SQLite file in the data dir, as in production. */
  readonly store?: EventStore;
}

/**
 * The API as `main.ts` starts it, configured from an environment with a temp data dir, on an
 * ephemeral loopback port. Closing removes the data dir unless the caller passed its own.
 */
export async function startTestApi(options: StartTestApiOptions = {}): Promise<TestApi> {
  const dataDir = options.dataDir ?? (await newDataDir());
  const config = loadConfig({ NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'silent', NPO_HOST: '127.0.0.1', ...options.env });
  // The API loads the same key from the data dir itself (and verifies through its own token cache).
  const tokens = await TokenService.fromDataDir(dataDir);
  const api = await startSchoolApi(config, { port: 0, shutdownHooks: false, ...(options.store ? { store: options.store } : {}) });
  return {
    url: api.url,
    dataDir,
    api,
    tokens,
    token: (request) => tokens.issueToken(request),
    close: async () => {
      await api.close();
      if (options.dataDir === undefined) await removeDataDir(dataDir);
    },
  };
}

/** Every event in the data dir's SQLite file, read through a connection of its own. */
export async function storedEvents(dataDir: string): Promise<readonly RecordedEvent[]> {
  const store = await openSqliteEventStore({ path: storeFileIn(dataDir) });
  try {
    return await store.readAll();
  } finally {
    await store.close();
  }
}
