import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePorts } from '@npo/kafka-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support/stack-cli.js';

/*
 * `npm start` (tools/scripts/start.mjs) as the process tree it is: npm's `sh -c` above it, the two
 * services below it. Each run gets a process group of its own, so the test can tell when every
 * process of the tree is gone and can clean up after a failure without touching anything else.
 */

interface Run {
  readonly pgid: number;
  readonly parent: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const runs: Run[] = [];
const dirs: string[] = [];

/** The environment of a run, without this process's NPO_* settings. */
function startEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NPO_')));
  return { ...env, ...vars };
}

/**
 * Runs start.mjs under `sh -c`, as `npm start` does. `; exit $?` keeps the shell from replacing itself
 * with node, so the shell stays the parent, and like npm's it dies of a SIGTERM without passing it on.
 */
function start(vars: Record<string, string>): Run {
  const parent = spawn('sh', ['-c', '"$0" tools/scripts/start.mjs; exit $?', process.execPath], {
    cwd: repoRoot,
    env: startEnv(vars),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (parent.pid === undefined) throw new Error('sh did not start');
  let output = '';
  // start.mjs and the services inherit these pipes, so their output arrives after the shell is gone too.
  parent.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  parent.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => parent.once('exit', (code) => resolve(code)));
  const run = { pgid: parent.pid, parent, output: () => output, exited };
  runs.push(run);
  return run;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, context: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000} s\n${context()}`);
    await sleep(250);
  }
}

async function listening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'npo-start-e2e-'));
  dirs.push(dir);
  return dir;
}

/** A shell line as the banner printed it, run in a shell that has not seen the run's environment. */
function shell(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', script], { cwd: repoRoot, env: startEnv({}), encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => {
  for (const run of runs) {
    try {
      process.kill(-run.pgid, 'SIGKILL');
    } catch {
      // the whole group is gone already
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start (tools/scripts/start.mjs)', () => {
  describe('running', () => {
    let api: number;
    let analytics: number;
    let dataDir: string;
    let run: Run;
    let banner: string;
    beforeAll(async () => {
      [api, analytics] = (await freePorts(2)) as [number, number];
      dataDir = join(tempDir(), 'data');
      run = start({ NPO_DATA_DIR: dataDir, NPO_API_PORT: String(api), NPO_ANALYTICS_PORT: String(analytics) });
      await until('the banner was not printed', () => run.output().includes('Ctrl-C stops everything.'), 240_000, run.output);
      banner = run.output();
    });

    it('prints "Try:" lines that run as printed once the token lines are pasted', async () => {
      const assignments = [...banner.matchAll(/^ {2}([A-Z][A-Z0-9_]*=[\w.-]+)$/gm)].map((m) => m[1]);
      expect(assignments.map((a) => a?.split('=')[0])).toEqual(['SCHOOL_16SW', 'OCW', 'GEMEENTE_GM0074']);
      expect(banner).not.toMatch(/<[^>]*token>/);
      const tries = banner.slice(banner.indexOf('\nTry:\n') + 6, banner.indexOf('Ctrl-C stops everything.')).trim().split('\n').map((l) => l.trim());
      expect(tries).toHaveLength(3);
      for (const line of tries) {
        expect(line).toMatch(/^curl /);
        // Release 1 is made in the background after start; until then a report may not be there yet.
        let status = '';
        await until(
          `"${line}" did not answer 200`,
          () => {
            status = shell(`${assignments.join('\n')}\n${line} -s -o /dev/null -w '%{http_code}'`).stdout;
            return status === '200';
          },
          60_000,
          () => `last status ${status}`,
        );
      }
    });

    it('prints a token command that signs with the services\' key from a shell without NPO_DATA_DIR', async () => {
      const more = /^More tokens: (npm run token -- .*)$/m.exec(banner)?.[1];
      expect(more).toBe(`npm run token -- --role school --brin 16SW --data-dir ${dataDir}`);
      const issued = shell(more!);
      expect(issued.status, issued.stderr).toBe(0);
      const token = issued.stdout.trim().split('\n').pop()!;
      const school = await fetch(`http://127.0.0.1:${api}/v1/schools/16SW`, { headers: { authorization: `Bearer ${token}` } });
      expect(school.status).toBe(200);
    });

    it('stops its services when its parent dies of a SIGTERM it does not pass on', async () => {
      run.parent.kill('SIGTERM');
      expect(await run.exited).toBeNull();
      await until('the processes of npm start did not all exit', () => !groupAlive(run.pgid), 20_000, run.output);
      expect(await listening(api)).toBe(false);
      expect(await listening(analytics)).toBe(false);
      expect(run.output()).toContain('npm start: its parent process is gone; stopping the services.');
    });
  });

  it('stops on a bad variable before it writes anything to the data dir', async () => {
    const dataDir = join(tempDir(), 'data');
    const run = start({ NPO_DATA_DIR: dataDir, NPO_API_PORT: 'abc' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('NPO_API_PORT must be a whole number 0-65535 (got "abc")');
    expect(run.output()).toContain('See the Configuration table in libs/platform/README.md');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('says in one line that the school API port is taken, and stops analytics', async () => {
    const [api, analytics] = await freePorts(2);
    // It hangs up at once, so start.mjs's readiness probe of that port is answered and the server can close.
    const taken: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => taken.listen(api, '127.0.0.1', resolve));
    try {
      const run = start({ NPO_DATA_DIR: join(tempDir(), 'data'), NPO_DEMO: '0', NPO_API_PORT: String(api), NPO_ANALYTICS_PORT: String(analytics) });
      expect(await run.exited).toBe(1);
      await until('the processes of npm start did not all exit', () => !groupAlive(run.pgid), 20_000, run.output);
      expect(run.output()).toContain(`school API could not start: listen EADDRINUSE: address already in use 127.0.0.1:${api}\n`);
      expect(run.output()).toContain('school-api exited (1); stopping.');
      // No stack trace: no "    at ..." frames, no "node:net" source excerpt.
      expect(run.output()).not.toMatch(/^\s+at /m);
      expect(run.output()).not.toContain('node:net');
      expect(await listening(analytics!)).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
