import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { openSqliteEventStore, SQLITE_EVENT_STORE_FILE } from '@npo/event-store';
import { createSimulation } from '../pipeline/simulation.js';
import { DEMO_SEED } from '../seed-demo.js';
import { sendOverHttp } from '../targets/http-target.js';
import { ndjsonFormats, writeNdjson, type NdjsonFormat } from '../targets/ndjson-target.js';
import { writeSimulationToStore } from '../targets/simulation-to-store.js';
import { tokenProviderFromDataDir } from '../targets/tokens.js';
import { simScales, type SimScale } from '../world/world-types.js';
import { createProgress, type Progress } from './progress.js';

export const simTargets = ['store', 'http', 'ndjson'] as const;
export type SimTarget = (typeof simTargets)[number];

export interface CliOptions {
  readonly scale: SimScale;
  readonly events?: number;
  readonly seed: number;
  readonly target: SimTarget;
  readonly dataDir: string;
  readonly api: string;
  readonly out?: string;
  readonly format: NdjsonFormat;
  readonly concurrency: number;
  readonly retries: number;
  readonly batch: number;
  readonly now?: Date;
  readonly quiet: boolean;
  readonly ifEmpty: boolean;
}

const positiveInt = (name: string) => (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
  return Number(value);
};
const seedInt = (value: string): number => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('seed must be a whole number >= 0');
  return Number(value);
};
const instant = (value: string): Date => {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError('now must be an ISO 8601 date or instant');
  return d;
};
const url = (value: string): string => {
  try {
    return new URL(value).toString();
  } catch {
    throw new InvalidArgumentError('api must be a URL like http://127.0.0.1:3000');
  }
};

export function buildProgram(env: NodeJS.ProcessEnv = process.env): Command {
  return new Command('sim')
    .description('Generate a realistic, seeded NPO world and write it to the event store, the school API or NDJSON.')
    .addOption(new Option('--scale <scale>', 'world size').choices(simScales).default('demo'))
    .option('--events <n>', 'stop after N events (stress: the world is sized for N; default 10,000,000)', positiveInt('events'))
    .option('--seed <n>', 'random seed: the same seed gives the same world and the same output', seedInt, DEMO_SEED)
    .addOption(new Option('--target <target>', 'where the run goes').choices(simTargets).default('store'))
    .option('--data-dir <dir>', 'data dir: SQLite store (store target), signing key (http target)', env['NPO_DATA_DIR'] ?? './data')
    .option('--api <url>', 'school API base URL (http target)', url, `http://127.0.0.1:${env['NPO_API_PORT'] ?? '3000'}`)
    .option('--out <file>', 'NDJSON file (ndjson target; default stdout)')
    .addOption(new Option('--format <format>', 'NDJSON lines: API requests or event envelopes').choices(ndjsonFormats).default('requests'))
    .option('--concurrency <n>', 'requests in flight (http target)', positiveInt('concurrency'), 8)
    .option('--retries <n>', 'retries per request on network errors, 408/409/425/429/5xx (http target)', seedInt, 5)
    .option('--batch <n>', 'events per group commit (store target)', positiveInt('batch'), 5000)
    .option('--now <instant>', 'generate nothing after this instant (default: the current time)', instant)
    .option('--quiet', 'no progress bar', false)
    .option('--if-empty', 'store target: do nothing (exit 0) when the store already holds events', false)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Runs the CLI; resolves to the exit code. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const program = buildProgram(env);
  try {
    program.parse([...argv]);
  } catch (error) {
    // Usage errors exit 2, as in the other CLIs (commander's own code is 1); --help and --version 0.
    const code = (error as { exitCode?: number }).exitCode;
    return code === 0 ? 0 : 2;
  }
  const o = program.opts<CliOptions>();
  const toStdout = o.target === 'ndjson' && o.out === undefined;
  const report = (line: string) => (toStdout ? process.stderr : process.stdout).write(`${line}\n`);
  const started = performance.now();
  const simulationOptions = { scale: o.scale, seed: o.seed, now: o.now ?? new Date(), ...(o.events === undefined ? {} : { maxEvents: o.events }) };
  let planned = 0;
  let progress: Progress = createProgress({ total: 0, unit: 'events', enabled: false });
  let header = `sim ${o.scale} seed ${o.seed}`;
  const onStart = (info: { estimatedEvents: number; schools: number; gemeenten: number }) => {
    planned = (performance.now() - started) / 1000;
    header = `sim ${o.scale} seed ${o.seed}: ${fmt(info.schools)} schools, ${fmt(info.gemeenten)} gemeenten`;
    progress = createProgress({ total: info.estimatedEvents, unit: 'events', enabled: !o.quiet && process.stderr.isTTY === true });
  };
  // Store runs generate on a worker thread; the other targets generate here.
  const inThread = () => {
    const simulation = createSimulation(simulationOptions);
    onStart({ estimatedEvents: simulation.estimatedEvents, schools: simulation.world.schools.length, gemeenten: simulation.world.gemeenten.length });
    return simulation;
  };
  try {
    let events = 0;
    let detail = '';
    switch (o.target) {
      case 'store': {
        const path = resolve(join(o.dataDir, SQLITE_EVENT_STORE_FILE));
        await mkdir(dirname(path), { recursive: true });
        const store = await openSqliteEventStore({ path });
        try {
          const head = await store.headPosition();
          if (head >= 0 && o.ifEmpty) {
            progress.stop();
            report(`sim: ${path} already holds ${fmt(head + 1)} events; nothing written (--if-empty)`);
            return 0;
          }
          const r = await writeSimulationToStore(store, simulationOptions, { batchEvents: o.batch, onStart, onProgress: (n) => progress.update(n) });
          events = r.events;
          detail = `${fmt(r.events)} events on ${fmt(r.streams)} streams into ${path}${r.worker ? ' (generated on a worker thread)' : ''}`;
        } finally {
          await store.close();
        }
        break;
      }
      case 'ndjson': {
        const out = o.out === undefined ? process.stdout : createWriteStream(o.out);
        const r = await writeNdjson(inThread().steps(), out, { format: o.format, onProgress: (n) => progress.update(n) });
        if (out !== process.stdout) {
          out.end();
          await finished(out);
        }
        events = r.events;
        detail = `${fmt(r.lines)} ${o.format} lines (${fmt(r.events)} events) to ${o.out ?? 'stdout'}`;
        break;
      }
      case 'http': {
        // Any HTTP answer will do; a refused connection should fail now, not after every request's retries.
        try {
          await fetch(o.api, { signal: AbortSignal.timeout(5_000) });
        } catch (error) {
          throw new Error(`cannot reach the school API at ${o.api} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`);
        }
        const tokens = await tokenProviderFromDataDir(o.dataDir, {
          onKeyCreated: (path) => process.stderr.write(`sim: no signing key in ${o.dataDir}; generated ${path}. The API must use the same data dir.\n`),
        });
        let done = 0;
        const r = await sendOverHttp(inThread().steps(), {
          baseUrl: o.api,
          tokens,
          concurrency: o.concurrency,
          retries: o.retries,
          onProgress: (n) => {
            done = n;
            progress.update(n);
          },
        });
        events = r.accepted;
        detail = `${fmt(r.accepted)} of ${fmt(done)} requests accepted by ${o.api} (${fmt(r.retries)} retries, ${fmt(r.skipped)} skipped)`;
        if (r.failures.length > 0 || r.aborted) {
          progress.stop();
          for (const f of r.failures.slice(0, 10)) {
            process.stderr.write(`sim: step ${f.step} ${f.method} ${f.path} -> ${String(f.status)} ${JSON.stringify(f.detail)}\n`);
          }
          report(`${header}; ${detail}; ${fmt(r.failures.length)} failed${r.aborted ? ' (stopped early)' : ''}`);
          return 1;
        }
        if (r.versionMismatches > 0) process.stderr.write(`sim: ${fmt(r.versionMismatches)} answers had another stream version than expected (was the store empty?)\n`);
        break;
      }
      default: {
        const unreachable: never = o.target;
        throw new Error(`unknown target ${String(unreachable)}`);
      }
    }
    progress.update(events);
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    report(`${header}; ${detail} in ${seconds.toFixed(1)} s (planning ${planned.toFixed(1)} s) = ${fmt(Math.round(events / seconds))} events/s`);
    return 0;
  } catch (error) {
    progress.stop();
    process.stderr.write(`sim: ${(error as Error).message}\n`);
    return 1;
  }
}
