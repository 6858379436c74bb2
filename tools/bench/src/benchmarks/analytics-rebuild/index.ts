import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { REBUILD_MEMORY_LIMIT, sqlString, toNumber, type DuckDBSettings } from '@npo/analytics-model';
import { SQLITE_EVENT_STORE_FILE } from '@npo/event-store';
import type { Benchmark, Contender, PreparedRun } from '../../harness/benchmark.js';
import { ensureEventsFixture, type EventsFixture } from './fixture.js';
import { runRebuildCli } from './rebuild-cli.js';

/*
 * Rebuilding the analytics projection from the event store (issue #3), beside DuckDB ingesting the same
 * events natively from NDJSON in the same run: the projector's whole pipeline (read the SQLite log,
 * decode and validate every envelope, derive facts, write them in batches with a checkpoint) against
 * the fastest way this DuckDB can take those bytes in at all (its own C++ JSON reader, no JavaScript).
 * The rebuild runs with its CLI's DuckDB memory limit (REBUILD_MEMORY_LIMIT). DuckDB's reader runs out
 * of memory on this file at 64MB (it keeps insertion order), so it gets 256MB, what both had before the
 * rebuild's limit came down.
 */

export const REBUILD = 'rebuild';
export const DEFAULT_EVENTS = 5_000_000;
export const QUICK_EVENTS = 200_000;
const SETTINGS: DuckDBSettings = { memory_limit: REBUILD_MEMORY_LIMIT };
const NATIVE_SETTINGS: DuckDBSettings = { memory_limit: '256MB' };

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
  description:
    '`npm run analytics -- rebuild` (the built CLI, own process) on a data dir whose events.sqlite is the fixture: reads the store, decodes and validates, writes a new DuckDB generation and swaps it in; its own duration and peak RSS as it prints them',
  // One run is millions of events in a process of its own: a warm-up in the worker would warm nothing.
  warmup: false,
  async prepare(_workload, { dir, size }): Promise<PreparedRun> {
    const fixture = await rebuildFixture(size);
    const dataDir = join(dir, 'data');
    await mkdir(dataDir);
    // SQLite follows the link, so its WAL and shared-memory files stay beside the cached store.
    await symlink(fixture.storePath, join(dataDir, SQLITE_EVENT_STORE_FILE));
    let path: string | undefined;
    return {
      async run() {
        const result = await runRebuildCli(dataDir);
        path = result.path;
        return {
          operations: result.events,
          elapsedMs: result.elapsedMs,
          peakRssBytes: result.peakRssBytes,
          ...(result.quarantined > 0 ? { errors: result.quarantined, firstError: `${result.quarantined} quarantined` } : {}),
        };
      },
      // Every event is either a projected_event row or a quarantine row in the file.
      async verify() {
        if (path === undefined) return 0;
        return countRows(path, 'SELECT (SELECT count(*) FROM projected_event) + (SELECT count(*) FROM quarantine)');
      },
      dispose: async () => undefined,
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
    const instance = await DuckDBInstance.create(path, { ...NATIVE_SETTINGS });
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
  // Issue #3: >= 300k events/s, at least 0.3x the native rate, peak RSS <= 500 MB; each judged on its own.
  targets: [
    { workload: REBUILD, contender: 'npo-rebuild', atLeast: 300_000 },
    { workload: REBUILD, contender: 'npo-rebuild', ratioToPeerAtLeast: { peer: 'duckdb-read-json', ratio: 0.3 } },
    { workload: REBUILD, contender: 'npo-rebuild', peakRssAtMostBytes: 500_000_000 },
  ],
  // The first run of an invocation may generate the fixture (5M events: several minutes).
  runTimeoutMs: (quick) => (quick ? 10 : 45) * 60_000,
};
