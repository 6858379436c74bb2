import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { REBUILD_MEMORY_LIMIT, rebuildAnalytics } from '@npo/analytics-model';
import { ConfigError, type Env, loadConfig, type PlatformConfig } from '@npo/platform/config';
import { analyticsDir, schemaOptions } from './analytics-paths.js';
import { openConfiguredEventStore, SQLITE_EVENT_STORE_FILE } from '@npo/event-store';
import { configuredFeed } from './feed.factory.js';

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Where the progress bar draws (a TTY redraws in place; anything else gets a line now and then). */
  readonly progress?: NodeJS.WritableStream;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
};

/**
 * The part of DuckDB's size syntax a memory limit needs: a positive number and a unit (DuckDB has no
 * default unit). Checked here because DuckDB's own answer, "Failed to set config", names neither the
 * flag nor the value.
 */
const DUCKDB_SIZE = /^(\d+(?:\.\d+)?)\s*(b|bytes?|k|kb|kilobytes?|m|mb|megabytes?|g|gb|gigabytes?|t|tb|terabytes?|kib|mib|gib|tib)$/i;
const memorySize = (value: string): string => {
  const m = DUCKDB_SIZE.exec(value.trim());
  if (m === null || Number(m[1]) <= 0) throw new InvalidArgumentError('must be a size with a unit, such as 32MB, 1GB or 512MiB (KB, MB, GB, TB count 1000s; KiB, MiB, GiB, TiB 1024s)');
  return `${m[1]}${m[2]}`;
};

const fmt = (n: number): string => n.toLocaleString('en-US');

interface RebuildOptions {
  batchSize?: number;
  progress: boolean;
  memoryLimit?: string;
}

/**
 * A rebuild replays the history the services wrote. Opening a mistyped NPO_DATA_DIR would create an
 * empty store there and "rebuild" it from 0 events, which a running service never reads.
 */
function requireExistingDataDir(config: PlatformConfig): void {
  const hint = 'set NPO_DATA_DIR to the data dir the services run on; nothing was written';
  if (!existsSync(config.dataDir)) throw new Error(`the data dir ${config.dataDir} does not exist: ${hint}`);
  const file = join(config.dataDir, SQLITE_EVENT_STORE_FILE);
  if (config.eventStore.kind === 'sqlite' && !existsSync(file)) throw new Error(`there is no event store at ${file}: ${hint}`);
}

async function rebuild(env: Env, options: RebuildOptions, io: CliIo): Promise<void> {
  const config = loadConfig(env);
  requireExistingDataDir(config);
  const store = await openConfiguredEventStore(config);
  try {
    const feed = configuredFeed(config, store, 'rebuild');
    const bar = new SingleBar({
      format: 'rebuild |{bar}| {percentage}% | {value}/{total} positions | {eta_formatted} left',
      stream: io.progress ?? process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: true,
    });
    let started = false;
    const result = await rebuildAnalytics({
      dir: analyticsDir(config.dataDir),
      feed,
      schema: await schemaOptions(config),
      ...(options.memoryLimit === undefined ? {} : { settings: { memory_limit: options.memoryLimit } }),
      ...(options.batchSize === undefined ? {} : { maxBatchSize: options.batchSize }),
      onProgress: (done, total) => {
        if (!options.progress) return;
        if (!started) {
          bar.start(total, done);
          started = true;
        } else bar.update(done);
      },
    });
    if (started) bar.stop();
    const events = result.projection.applied + result.projection.quarantined;
    const seconds = result.durationMs / 1000;
    io.out(
      `rebuilt analytics generation ${result.generation} from ${fmt(events)} events (${fmt(result.projection.quarantined)} quarantined) ` +
        `in ${seconds.toFixed(1)} s (${fmt(Math.round(events / Math.max(seconds, 0.001)))} events/s), ` +
        // The process's high-water mark so far: what a rebuild needs of the machine, whatever ran before it.
        `peak RSS ${fmt(Math.round(process.resourceUsage().maxRSS / 1024))} MiB\n` +
        `swapped in: ${result.path}\n` +
        'a running analytics service switches to it within a second and catches up the events appended meanwhile\n',
    );
  } finally {
    await store.close();
  }
}

/** `npm run analytics -- <command>`; returns the exit status, never calls process.exit. */
export async function runAnalyticsCli(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  let task: Promise<void> | undefined;
  const program = new Command()
    .name('npm run analytics --')
    .description('Maintenance of the analytics store (DuckDB under NPO_DATA_DIR/analytics).')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program
    .command('rebuild')
    .description('Replay the whole event history into a fresh DuckDB file and swap it in atomically; a running service keeps answering.')
    .option('--batch-size <n>', 'events per batch (default 5000; one transaction holds 250,000)', positiveInt)
    .option('--no-progress', 'no progress bar')
    .option(
      '--memory-limit <size>',
      `DuckDB's memory limit for the rebuild (DuckDB syntax: 64MB, 1GB); default ${REBUILD_MEMORY_LIMIT}`,
      memorySize,
    )
    .action((opts: RebuildOptions) => {
      task = rebuild(env, opts, io);
    });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  if (task === undefined) {
    io.err(program.helpInformation());
    return 2;
  }
  try {
    await task;
    return 0;
  } catch (error) {
    io.err(`${error instanceof ConfigError ? '' : 'error: '}${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
