import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import Database from 'better-sqlite3';

/*
 * The simulator's events, generated once per seed, scale and size into a cache directory that later
 * runs (and later invocations) reuse: generating millions of events is set-up, never part of a timing.
 * A fixture is written under a temporary name and renamed when complete, so a run killed half-way
 * (time-out, Ctrl-C) leaves nothing that looks usable. The simulator runs as its built CLI (`npm run
 * sim`), in its own process with its generation worker, exactly as a user would write these events.
 */

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
export const builtSim = join(repoRoot, 'tools/sim/dist/main.js');
export const FIXTURE_SEED = 20210420;

export type SimScale = 'demo' | 'national' | 'stress';

export interface FixtureSpec {
  readonly scale: SimScale;
  /** Stop after this many events (stress: the world is sized for it); undefined: the whole scale. */
  readonly events?: number;
  readonly seed?: number;
  /** Also export the store's events as NDJSON (`events.ndjson`, one stored envelope per line). */
  readonly ndjson?: boolean;
}

export interface EventsFixture {
  readonly dir: string;
  /** SQLite event store written by the simulator (synchronous=FULL group commits, as `npm run sim`). */
  readonly storePath: string;
  /** Present when the spec asked for it: the same events, in global order, one JSON line each. */
  readonly ndjsonPath: string | undefined;
  readonly events: number;
  readonly storeBytes: number;
  readonly ndjsonBytes: number | undefined;
  /** Whether this call generated it (false: reused from the cache). */
  readonly generated: boolean;
  readonly generationMs: number;
}

// Nothing is generated after this instant, so the fixture does not depend on the day it is built.
const FIXTURE_NOW = new Date('2026-01-01T00:00:00Z');
const EXPORT_PAGE = 10_000;

/** Where fixtures are cached: NPO_BENCH_CACHE, else `<tmp>/npo-bench-cache`. */
export const fixtureCacheRoot = (): string => process.env['NPO_BENCH_CACHE'] ?? join(tmpdir(), 'npo-bench-cache');

export const fixtureName = (spec: FixtureSpec): string =>
  `sim-${spec.scale}-${spec.events ?? 'all'}-seed${spec.seed ?? FIXTURE_SEED}${spec.ndjson ? '-ndjson' : ''}`;

interface Manifest {
  readonly events: number;
  readonly generationMs: number;
  readonly createdAt: string;
}

/** The cached fixture for `spec`, generating it first when the cache does not hold it. */
export async function ensureEventsFixture(spec: FixtureSpec, root = fixtureCacheRoot()): Promise<EventsFixture> {
  const dir = join(root, fixtureName(spec));
  const manifestPath = join(dir, 'manifest.json');
  let generated = false;
  if (!existsSync(manifestPath)) {
    await mkdir(root, { recursive: true });
    const partial = `${dir}.partial-${process.pid}`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial);
    const started = performance.now();
    const events = await generate(spec, partial);
    const manifest: Manifest = { events, generationMs: Math.round(performance.now() - started), createdAt: new Date().toISOString() };
    await writeFile(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    generated = true;
  }
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
  const storePath = join(dir, 'events.sqlite');
  const ndjsonPath = spec.ndjson ? join(dir, 'events.ndjson') : undefined;
  return {
    dir,
    storePath,
    ndjsonPath,
    events: manifest.events,
    storeBytes: (await stat(storePath)).size,
    ndjsonBytes: ndjsonPath === undefined ? undefined : (await stat(ndjsonPath)).size,
    generated,
    generationMs: manifest.generationMs,
  };
}

async function generate(spec: FixtureSpec, dir: string): Promise<number> {
  if (!existsSync(builtSim)) throw new Error(`${builtSim} is missing: build the simulator first (npx nx run @npo/sim:build)`);
  const args = [builtSim, '--scale', spec.scale, '--seed', String(spec.seed ?? FIXTURE_SEED), '--now', FIXTURE_NOW.toISOString()];
  if (spec.events !== undefined) args.push('--events', String(spec.events));
  await runToEnd(args.concat(['--target', 'store', '--data-dir', dir, '--quiet']));
  const stored = countEvents(join(dir, 'events.sqlite'));
  const store = await openSqliteEventStore({ path: join(dir, 'events.sqlite') });
  try {
    if (spec.events !== undefined && stored !== spec.events) throw new Error(`the simulator stored ${stored} events, ${spec.events} were asked for`);
    if (spec.ndjson) {
      const exported = await exportNdjson(store, join(dir, 'events.ndjson'));
      if (exported !== stored) throw new Error(`exported ${exported} events as NDJSON, the store holds ${stored}`);
    }
    return stored;
  } finally {
    await store.close();
  }
}

function countEvents(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}

function runToEnd(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`the simulator failed (${signal ?? code}): ${stderr.trim()}`)),
    );
  });
}

/** The store's global log as NDJSON: each line the stored envelope exactly as the store returns it. */
export async function exportNdjson(store: EventStore, path: string): Promise<number> {
  const out = createWriteStream(path);
  let after: number | undefined;
  let count = 0;
  try {
    for (;;) {
      const page = await store.readAll({ ...(after === undefined ? {} : { after }), maxCount: EXPORT_PAGE });
      if (page.length === 0) break;
      let chunk = '';
      for (const event of page) chunk += `${JSON.stringify(event)}\n`;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', resolve));
      count += page.length;
      after = page.at(-1)!.globalPosition;
    }
  } finally {
    out.end();
    await finished(out);
  }
  return count;
}
