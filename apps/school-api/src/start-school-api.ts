import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openConfiguredEventStore, type EventStore } from '@npo/event-store';
import { createNestApp, loadOrCreateSigningKey, signingKeyDir, type CreateNestAppOptions, type PlatformConfig, type RunningNestApp } from '@npo/platform';
import { v7 as uuidv7 } from 'uuid';
import type { IdempotencyKeys } from './application/idempotency-keys.js';
import { IDEMPOTENCY_KEYS_FILE, SqliteIdempotencyKeys } from './application/sqlite-idempotency-keys.js';
import { schoolApiErrorMappings } from './error-mappings.js';
import { serveOpenApiDocs } from './http/openapi.js';
import { VerifiedTokenCache } from './http/verified-token-cache.js';
import { SchoolApiModule } from './school-api.module.js';

export const SCHOOL_API_VERSION = '1.0.0';

export interface StartSchoolApiOptions extends Pick<CreateNestAppOptions, 'port' | 'host' | 'logDestination' | 'logger' | 'shutdownHooks' | 'tokens'> {
  /** Default: the adapter the configuration names. The caller then owns it and closes it. */
  readonly store?: EventStore;
  readonly clock?: () => Date;
  /** Default: a SQLite file in the data dir, so keys outlive a restart whatever the event store. */
  readonly idempotencyKeys?: IdempotencyKeys;
}

export interface RunningSchoolApi extends RunningNestApp {
  readonly store: EventStore;
}

/** Boots the school API on the configured (or given) store; used by `main.ts` and the e2e tests. */
export async function startSchoolApi(config: PlatformConfig, options: StartSchoolApiOptions = {}): Promise<RunningSchoolApi> {
  const ownsStore = options.store === undefined;
  const store = options.store ?? (await openConfiguredEventStore(config));
  const ownsKeys = options.idempotencyKeys === undefined;
  if (ownsKeys) await mkdir(config.dataDir, { recursive: true });
  const keys = options.idempotencyKeys ?? (await SqliteIdempotencyKeys.open(join(config.dataDir, IDEMPOTENCY_KEYS_FILE)));
  const module = SchoolApiModule.forRoot({ store, clock: options.clock ?? (() => new Date()), newId: uuidv7, keys });
  const tokens = options.tokens ?? new VerifiedTokenCache(await loadOrCreateSigningKey(signingKeyDir(config.dataDir)));
  let running: RunningNestApp;
  try {
    running = await createNestApp(module, config, {
      ...options,
      tokens,
      name: 'school-api',
      errorMappings: schoolApiErrorMappings,
      beforeListen: (app, context) => {
        context.readiness.register('event-store', async () => {
          await store.headPosition();
        });
        serveOpenApiDocs(app, SCHOOL_API_VERSION);
      },
    });
  } catch (err) {
    if (ownsKeys) await keys.close();
    throw err;
  }
  return {
    ...running,
    store,
    close: async () => {
      await running.close();
      if (ownsKeys) await keys.close();
      if (ownsStore) await store.close();
    },
  };
}
