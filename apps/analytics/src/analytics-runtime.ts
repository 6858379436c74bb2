import {
  AnalyticsDatabase,
  AnalyticsSchemaError,
  type EventFeed,
  LiveProjection,
  rebuildAnalytics,
  remaining,
} from '@npo/analytics-model';
import { ReleaseService, ReleaseStore } from '@npo/analytics-releases';
import { openConfiguredEventStore, type EventStore } from '@npo/event-store';
import type { PlatformConfig, PlatformLogger } from '@npo/platform';
import { analyticsDir, releasesDir, schemaOptions } from './analytics-paths.js';
import { codeVersion } from './code-version.js';
import { configuredFeed } from './feed.factory.js';

export interface AnalyticsRuntimeOptions {
  /** A store the caller owns (tests); default: the configured one, owned and closed by the runtime. */
  readonly store?: EventStore;
  readonly clock?: () => Date;
  readonly logger?: PlatformLogger;
  /** How often to look for a generation swapped in by a rebuild in another process. Default 1000 ms. */
  readonly watchIntervalMs?: number;
}

/**
 * Everything the analytics service runs on: the event store and feed, the live DuckDB generation with
 * its projector, and the release store. Opening it with a file of an older schema rebuilds it first.
 */
export class AnalyticsRuntime {
  private constructor(
    readonly config: PlatformConfig,
    readonly store: EventStore,
    readonly feed: EventFeed,
    readonly db: AnalyticsDatabase,
    readonly projection: LiveProjection,
    readonly releases: ReleaseStore,
    readonly releaseService: ReleaseService,
    private readonly ownsStore: boolean,
  ) {}

  static async open(config: PlatformConfig, options: AnalyticsRuntimeOptions = {}): Promise<AnalyticsRuntime> {
    const ownsStore = options.store === undefined;
    const store = options.store ?? (await openConfiguredEventStore(config));
    try {
      const feed = configuredFeed(config, store, 'live', process.env, options.logger);
      const schema = await schemaOptions(config);
      const dir = analyticsDir(config.dataDir);
      let db: AnalyticsDatabase;
      try {
        db = await AnalyticsDatabase.open({ dir, schema, ...(options.clock ? { clock: options.clock } : {}) });
      } catch (error) {
        if (!(error instanceof AnalyticsSchemaError)) throw error;
        options.logger?.warn({ path: error.path, found: error.found }, 'analytics file has an older schema: rebuilding from the event history');
        await rebuildAnalytics({ dir, feed, schema, ...(options.clock ? { clock: options.clock } : {}) });
        db = await AnalyticsDatabase.open({ dir, schema });
      }
      const projection = new LiveProjection({
        db,
        feed,
        ...(options.clock ? { clock: options.clock } : {}),
        onError: (error) => options.logger?.error({ err: error }, 'projector batch failed; retrying'),
      });
      const releases = new ReleaseStore(releasesDir(config.dataDir));
      const releaseService = new ReleaseService({
        db,
        store: releases,
        codeVersion: codeVersion(),
        protectionThreads: config.releaseThreads,
        ...(config.adHocMaxPending === undefined ? {} : { maxPendingAdHoc: config.adHocMaxPending }),
        ...(config.releaseMaxPending === undefined ? {} : { maxPendingReleases: config.releaseMaxPending }),
        ...(options.clock ? { clock: options.clock } : {}),
        onViewWorkerError: (error) => options.logger?.error({ err: error }, 'the ad-hoc views worker failed; the next view starts another'),
        caughtUp: async () => projection.caughtUp(await feed.head()),
      });
      db.watch(options.watchIntervalMs ?? 1000, (error) => options.logger?.error({ err: error }, 'could not switch to the rebuilt analytics generation'));
      db.onSwitch((generation) => options.logger?.info({ generation }, 'switched to a rebuilt analytics generation'));
      projection.start();
      return new AnalyticsRuntime(config, store, feed, db, projection, releases, releaseService, ownsStore);
    } catch (error) {
      if (ownsStore) await store.close();
      throw error;
    }
  }

  /** Events the projector has still to apply (positions between its checkpoint and the feed's head). */
  async lag(): Promise<number> {
    return remaining(this.projection.status.checkpoint, await this.feed.head());
  }

  /** Resolves once everything in the feed right now is applied (tests, demo start-up). */
  async caughtUp(): Promise<void> {
    await this.projection.caughtUp(await this.feed.head());
  }

  async close(): Promise<void> {
    await this.projection.stop();
    await this.releaseService.close();
    await this.db.close();
    if (this.ownsStore) await this.store.close();
  }
}
