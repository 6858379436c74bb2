import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { rebuildAnalytics, sqlString, storeEventFeed, toNumber, type DuckDBSettings } from '@npo/analytics-model';
import { openSqliteEventStore } from '@npo/event-store';
import type { Benchmark, Contender, PreparedRun } from '../../harness/benchmark.js';
import { ensureEventsFixture, type EventsFixture } from './fixture.js';

/*
 * Rebuilding the analytics projection from the event store (issue #3), beside DuckDB ingesting the same
 * events natively from NDJSON in the same run: the projector's whole pipeline (read the SQLite log,
 * decode and validate every envelope, derive facts, write them in batches with a checkpoint) against
 * the fastest way this DuckDB can take those bytes in at all (its own C++ JSON reader, no JavaScript).
 * Both get the memory limit the rebuild CLI uses (`npm run analytics -- rebuild`: 256MB).
 */

export const REBUILD = 'rebuild';
export const DEFAULT_EVENTS = 5_000_000;
export const QUICK_EVENTS = 200_000;
const SETTINGS: DuckDBSettings = { memory_limit: '256MB' };

/** Event count of a run: NPO_BENCH_EVENTS overrides the default (5,000,000; 200,000 with --quick). */
export function rebuildEvents(quick: boolean): number {
  const fromEnv = Number(process.env['NPO_BENCH_EVENTS']);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return quick ? QUICK_EVENTS : DEFAULT_EVENTS;
}

/** The stress-scale simulation of `size` events with its NDJSON export, from the cache or generated now. */
export const rebuildFixture = (size: number): Promise<EventsFixture> => ensureEventsFixture({ scale: 'stress', events: size, ndjson: true });

async function countRows(path: string, sql: string): Promise<number> {
  const instance = await DuckDBInstance.create(path, { ...SETTINGS });
  try {
    const conn = await instance.connect();
    try {
      return toNumber((await conn.runAndReadAll(sql)).getRows()[0]?.[0]);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

const npoRebuild: Contender = {
  name: 'npo-rebuild',
  description: 'rebuildAnalytics (@npo/analytics-model) from the SQLite event store into a fresh DuckDB generation file, as `npm run analytics -- rebuild` does',
  // One run is millions of events: warming the JIT on a smaller copy would change nothing measurable
  // and would need a second fixture.
  warmup: false,
  async prepare(_workload, { dir, size }): Promise<PreparedRun> {
    const fixture = await rebuildFixture(size);
    const store = await openSqliteEventStore({ path: fixture.storePath });
    const analyticsDir = join(dir, 'analytics');
    let path: string | undefined;
    return {
      async run() {
        const result = await rebuildAnalytics({ dir: analyticsDir, feed: storeEventFeed(store), settings: SETTINGS });
        path = result.path;
        const { applied, quarantined, duplicates } = result.projection;
        return {
          operations: applied + quarantined + duplicates,
          ...(quarantined + duplicates > 0 ? { errors: quarantined + duplicates, firstError: `${quarantined} quarantined, ${duplicates} duplicates` } : {}),
        };
      },
      // Every event is either a projected_event row or a quarantine row in the file.
      async verify() {
        if (path === undefined) return 0;
        return countRows(path, 'SELECT (SELECT count(*) FROM projected_event) + (SELECT count(*) FROM quarantine)');
      },
      dispose: () => store.close(),
    };
  },
};

/**
 * `read_json` with the envelope's columns given (so no sampling pass guesses them): `data` and
 * `metadata` stay JSON, as the store keeps them. DuckDB's JSON reader is built in: nothing is downloaded.
 */
export const readJsonSql = (ndjsonPath: string): string => `
  CREATE TABLE events AS SELECT * FROM read_json(${sqlString(ndjsonPath)},
    format = 'newline_delimited',
    columns = {
      id: 'UUID', type: 'VARCHAR', schemaVersion: 'INTEGER', streamId: 'VARCHAR', streamPosition: 'BIGINT',
      globalPosition: 'BIGINT', occurredAt: 'TIMESTAMPTZ', recordedAt: 'TIMESTAMPTZ', data: 'JSON', metadata: 'JSON'
    })`;

const duckdbReadJson: Contender = {
  name: 'duckdb-read-json',
  description: "DuckDB's native NDJSON ingest of the same events (CREATE TABLE AS SELECT * FROM read_json(...), then CHECKPOINT) into a fresh file",
  warmup: false,
  async prepare(_workload, { dir, size }): Promise<PreparedRun> {
    const fixture = await rebuildFixture(size);
    const path = join(dir, 'read-json.duckdb');
    const instance = await DuckDBInstance.create(path, { ...SETTINGS });
    const conn = await instance.connect();
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      conn.closeSync();
      instance.closeSync();
    };
    return {
      async run() {
        await conn.run(readJsonSql(fixture.ndjsonPath!));
        await conn.run('CHECKPOINT');
        // Closed inside the timed part, as the rebuild closes its file before it returns.
        close();
        return { operations: fixture.events };
      },
      // Rows whose envelope really parsed (a wrong column spec would leave NULLs behind).
      verify: () => countRows(path, 'SELECT count(*) FROM events WHERE id IS NOT NULL AND globalPosition IS NOT NULL AND data IS NOT NULL'),
      dispose: async () => close(),
    };
  },
};

export const analyticsRebuildBenchmark: Benchmark = {
  name: 'analytics-rebuild',
  description: 'analytics projection rebuild from the event store beside DuckDB read_json of the same events (stress-scale simulator events)',
  unit: 'events/s',
  baseline: 'npo-rebuild',
  workloads: [
    {
      name: REBUILD,
      description: 'the simulator at stress scale (seed 20210420): NPO_BENCH_EVENTS or 5,000,000 events (200,000 with --quick), cached between runs',
      size: (_contender, quick) => rebuildEvents(quick),
    },
  ],
  contenders: [npoRebuild, duckdbReadJson],
  targets: [{ workload: REBUILD, contender: 'npo-rebuild', atLeast: 300_000 }],
  // The first run of an invocation may generate the fixture (5M events: several minutes).
  runTimeoutMs: (quick) => (quick ? 10 : 45) * 60_000,
};
