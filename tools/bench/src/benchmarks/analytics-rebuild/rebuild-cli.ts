import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../school-api-http/processes.js';

/** The built analytics CLI, as `npm run analytics -- rebuild` runs it. */
export const builtAnalyticsCli = join(repoRoot, 'apps/analytics/dist/cli-main.js');

export interface RebuildCliResult {
  readonly events: number;
  readonly quarantined: number;
  /** The rebuild's own duration as the CLI prints it (process start-up not included). */
  readonly elapsedMs: number;
  /** The CLI process's high-water mark as it prints it. */
  readonly peakRssBytes: number;
  /** The generation file it swapped in. */
  readonly path: string;
}

const number = (text: string): number => Number(text.replaceAll(',', ''));

/** Reads the CLI's closing lines: "rebuilt analytics generation G from N events (Q quarantined) in S s (R events/s), peak RSS M MiB" and "swapped in: PATH". */
export function parseRebuildOutput(output: string): RebuildCliResult {
  const summary = /from ([\d,]+) events \(([\d,]+) quarantined\) in ([\d.]+) s \([\d,]+ events\/s\), peak RSS ([\d,]+) MiB/.exec(output);
  const swapped = /^swapped in: (.+)$/m.exec(output);
  if (summary === null || swapped === null) throw new Error(`unexpected output of the analytics CLI:\n${output.slice(-2_000)}`);
  return {
    events: number(summary[1]!),
    quarantined: number(summary[2]!),
    elapsedMs: Number(summary[3]) * 1000,
    peakRssBytes: number(summary[4]!) * 1024 * 1024,
    path: swapped[1]!.trim(),
  };
}

/** Runs `cli-main.js rebuild` on `dataDir` in its own process (NPO_* settings of this process are not passed on). */
export async function runRebuildCli(dataDir: string): Promise<RebuildCliResult> {
  if (!existsSync(builtAnalyticsCli)) throw new Error(`${builtAnalyticsCli} is missing: build it first (npx nx run @npo/analytics:build)`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_')));
  const child = spawn(process.execPath, [builtAnalyticsCli, 'rebuild', '--no-progress'], {
    env: { ...env, NPO_DATA_DIR: dataDir, NPO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`the analytics CLI exited with ${code}:\n${err || out}`);
  return parseRebuildOutput(out);
}
