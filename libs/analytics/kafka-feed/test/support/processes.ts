import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const libRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../..', import.meta.url));
/** The relay as deployed: its build output (the Nx test target of this project builds it first). */
export const builtRelay = `${repoRoot}apps/event-relay/dist/main.js`;
/** The analytics service as deployed (the Nx test target builds it first). */
export const builtAnalytics = `${repoRoot}apps/analytics/dist/main.js`;

export interface Child {
  readonly child: ChildProcess;
  /** JSON lines the child printed on stdout (other lines are kept in `output`). */
  readonly lines: Record<string, unknown>[];
  output(): string;
  /** Resolves with the exit code or signal once the process ended. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  waitForLine(what: string, predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

function watch(child: ChildProcess): Child {
  const lines: Record<string, unknown>[] = [];
  let output = '';
  let buffered = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) {
      output = (output + part + '\n').slice(-8_000);
      if (part.startsWith('{')) {
        try {
          lines.push(JSON.parse(part) as Record<string, unknown>);
        } catch {
          // a partial or foreign line: kept in `output` only
        }
      }
    }
    for (const l of listeners) l();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const l of listeners) l();
  });
  return {
    child,
    lines,
    output: () => output,
    exited,
    kill: (signal) => {
      if (!ended) child.kill(signal);
      return exited;
    },
    waitForLine: (what, predicate, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(predicate);
          if (found !== undefined) return finish(() => resolve(found));
          if (ended) return finish(() => reject(new Error(`process ended before ${what}:\n${output}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${output}`))), timeoutMs);
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
  };
}

export interface RelayEnv {
  readonly dataDir: string;
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly batch?: number;
}

/** Starts the built relay; resolves once it serves /metrics (its URL is the second element). */
export async function startRelayProcess(env: RelayEnv): Promise<{ readonly relay: Child; readonly url: string }> {
  if (!existsSync(builtRelay)) throw new Error(`${builtRelay} is missing: build it first (npx nx run @npo/event-relay:build)`);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_') && k !== 'KAFKA_BROKERS'));
  const child = spawn(process.execPath, [builtRelay], {
    env: {
      ...inherited,
      NPO_DATA_DIR: env.dataDir,
      KAFKA_BROKERS: env.brokers.join(','),
      NPO_KAFKA_TOPIC: env.topic,
      NPO_RELAY_PORT: '0',
      NPO_RELAY_BATCH: String(env.batch ?? 500),
      NPO_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const relay = watch(child);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /metrics at (http:\/\/\S+)\/metrics/.exec(relay.output());
    if (match?.[1] !== undefined) return { relay, url: match[1] };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the relay did not start:\n${relay.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The Kafka-fed projector (test/fixtures/projector-child.ts) in its own process. */
export function startProjectorProcess(args: { readonly dir: string; readonly brokers: readonly string[]; readonly topic: string; readonly groupId: string; readonly midBatch?: number }): Child {
  const mode = args.midBatch === undefined ? ['free'] : ['mid-batch', String(args.midBatch)];
  const child = spawn(
    process.execPath,
    ['--conditions=@npo/source', '--import', './test/support/register-ts.mjs', 'test/fixtures/projector-child.ts', args.dir, args.brokers.join(','), args.topic, args.groupId, ...mode],
    { cwd: libRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return watch(child);
}

/** The checkpoint the projector child reported last (partition -> offset). */
export function lastCheckpoint(projector: Child): Map<number, number> {
  for (let i = projector.lines.length - 1; i >= 0; i--) {
    const checkpoint = projector.lines[i]!['checkpoint'];
    if (Array.isArray(checkpoint)) return new Map(checkpoint as [number, number][]);
  }
  return new Map();
}

const SCRAPE_TOKEN = 'pipeline-tests-scrape-token-0123456789abcdef';
/** Fetch options that open the analytics service's /metrics (it starts with this NPO_METRICS_TOKEN). */
export const scrape: RequestInit = { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } };

/** The built analytics service with NPO_FEED=kafka on `dataDir`; resolves with its base URL once it listens. */
export async function startAnalyticsProcess(env: { readonly dataDir: string; readonly brokers: readonly string[]; readonly topic: string; readonly groupId: string }): Promise<{ readonly analytics: Child; readonly url: string }> {
  if (!existsSync(builtAnalytics)) throw new Error(`${builtAnalytics} is missing: build it first (npx nx run @npo/analytics:build)`);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_') && k !== 'KAFKA_BROKERS'));
  const child = spawn(process.execPath, [builtAnalytics], {
    env: {
      ...inherited,
      NPO_DATA_DIR: env.dataDir,
      NPO_FEED: 'kafka',
      KAFKA_BROKERS: env.brokers.join(','),
      NPO_KAFKA_TOPIC: env.topic,
      NPO_KAFKA_GROUP: env.groupId,
      NPO_ANALYTICS_PORT: '0',
      NPO_METRICS_TOKEN: SCRAPE_TOKEN,
      NPO_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const analytics = watch(child);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const match = /analytics listening on (http:\/\/\S+)/.exec(analytics.output());
    if (match?.[1] !== undefined) return { analytics, url: match[1] };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the analytics service did not start:\n${analytics.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
