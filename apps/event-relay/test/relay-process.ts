import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built relay entry the process tests start (`npx nx run @npo/event-relay:build`). */
export const builtRelay = fileURLToPath(new URL('../dist/main.js', import.meta.url));

export interface RelayRun {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last 16,000 characters of stdout and stderr. */
  readonly output: () => string;
  /** JSON log lines printed so far. */
  readonly lines: () => readonly Record<string, unknown>[];
  kill(signal: NodeJS.Signals): void;
}

/** The process environment without the project's own settings, so a test's settings are the only ones. */
const inheritedEnv = (): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_') && k !== 'KAFKA_BROKERS'));

/** Starts the built relay on `dataDir`, publishing to `topic` on `brokers` in batches of 100. */
export function runBuiltRelay(dataDir: string, brokers: readonly string[], topic: string): RelayRun {
  const child = spawn(process.execPath, [builtRelay], {
    env: { ...inheritedEnv(), NPO_DATA_DIR: dataDir, KAFKA_BROKERS: brokers.join(','), NPO_KAFKA_TOPIC: topic, NPO_RELAY_PORT: '0', NPO_RELAY_BATCH: '100', NPO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout.on('data', (c: Buffer) => {
    output = (output + c.toString()).slice(-16_000);
    const parts = (partial + c.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-16_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { pid: child.pid!, exited, output: () => output, lines: () => lines, kill: (signal) => child.kill(signal) };
}

/** The global position in the relay's checkpoint file for `topic`, or -1 before it wrote one. */
export async function savedPosition(dataDir: string, topic: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(join(dataDir, 'event-relay', `${topic}.checkpoint.json`), 'utf8')) as { globalPosition: number }).globalPosition;
  } catch {
    return -1;
  }
}
