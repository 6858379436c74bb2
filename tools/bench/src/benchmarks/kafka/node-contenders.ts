import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalyticsDatabase, DEFAULT_PROJECTOR_BATCH, runProjector, type EventFeed, type FeedBatch } from '@npo/analytics-model';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
export const builtRelay = join(repoRoot, 'apps/event-relay/dist/main.js');

export interface Rate {
  readonly events: number;
  readonly ms: number;
  readonly perSecond: number;
}
const rate = (events: number, ms: number): Rate => ({ events, ms: Math.round(ms), perSecond: Math.round((events * 1000) / ms) });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly checkpointFile: string;
  stop(): Promise<void>;
}

/** The built relay (apps/event-relay/dist/main.js) in its own process; resolves once it serves /metrics. */
export async function startRelay(dataDir: string, brokers: readonly string[], topic: string, batch = 5_000): Promise<RelayProcess> {
  if (!existsSync(builtRelay)) throw new Error(`${builtRelay} is missing: build it first (npx nx run @npo/event-relay:build)`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_') && k !== 'KAFKA_BROKERS'));
  const child = spawn(process.execPath, [builtRelay], {
    env: { ...env, NPO_DATA_DIR: dataDir, KAFKA_BROKERS: brokers.join(','), NPO_KAFKA_TOPIC: topic, NPO_RELAY_PORT: '0', NPO_RELAY_BATCH: String(batch), NPO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
  const deadline = Date.now() + 60_000;
  while (!output.includes('metrics at')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the relay did not start:\n${output}`);
    }
    await sleep(2);
  }
  return {
    child,
    checkpointFile: join(dataDir, 'event-relay', `${topic}.checkpoint.json`),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function relayPosition(file: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { globalPosition: number }).globalPosition;
  } catch {
    return -1;
  }
}

export interface ProjectionRate extends Rate {
  /** From the first committed batch on (the consumer group join excluded). */
  readonly afterFirstBatchPerSecond: number;
  readonly joinMs: number;
}

/** The same envelopes as JSON text, parsed by an in-memory feed: the projector's ceiling without Kafka. */
export function inMemoryFeed(texts: readonly string[]): EventFeed {
  return {
    name: 'in-memory',
    trusted: false,
    // Batches as large as the projector asks for, as the Kafka feed's are (up to what a fetch brought).
    subscribe: (_from, options = {}) => ({
      async *[Symbol.asyncIterator](): AsyncGenerator<FeedBatch> {
        const size = options.maxBatchSize ?? DEFAULT_PROJECTOR_BATCH;
        for (let i = 0; i < texts.length; i += size) yield { entries: texts.slice(i, i + size).map((t, k) => ({ partition: 0, offset: i + k, payload: JSON.parse(t) as unknown })) };
      },
    }),
    head: async () => new Map([[0, texts.length - 1]]),
  };
}

/** The projector into a fresh DuckDB in `dir` until it holds everything `feed.head()` names. */
export async function projectFeed(feed: EventFeed, dir: string): Promise<ProjectionRate> {
  const db = await AnalyticsDatabase.open({ dir });
  const lease = await db.lease();
  try {
    const until = await feed.head();
    let first: number | undefined;
    let firstApplied = 0;
    const started = performance.now();
    const summary = await runProjector(lease.conn, {
      feed,
      until,
      onBatch: (result) => {
        if (first === undefined) {
          first = performance.now();
          firstApplied = result.applied;
        }
      },
    });
    const done = performance.now();
    const afterFirst = first === undefined ? 0 : Math.round(((summary.applied - firstApplied) * 1000) / (done - first));
    return { ...rate(summary.applied, done - started), afterFirstBatchPerSecond: afterFirst, joinMs: Math.round((first ?? done) - started) };
  } finally {
    lease.release();
    await db.close();
  }
}
