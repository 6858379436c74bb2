import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, spawnDetached, terminate } from './process-control.js';

/* Real detached node processes: what `up` starts and `down` stops. */
describe('process control', () => {
  const dir = mkdtempSync(join(tmpdir(), 'npo-stack-proc-'));
  const pids: number[] = [];
  afterAll(() => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const script = (name: string, body: string): string => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };
  // Until the script has set its signal handlers: a signal before that would test node's defaults.
  const waitForLog = async (log: string, text: string): Promise<void> => {
    for (let i = 0; !readFileSync(log, 'utf8').includes(text); i++) {
      if (i === 400) throw new Error(`${log} did not show "${text}" within 20 s`);
      await sleep(50);
    }
  };

  it('starts detached with output in the log, and SIGTERM stops a process that exits on it', async () => {
    const entry = script('polite.mjs', "console.log('up'); process.on('SIGTERM', () => { console.log('bye'); process.exit(0); }); setInterval(() => {}, 1000);");
    const log = join(dir, 'polite.log');
    const pid = spawnDetached(entry, { PATH: process.env['PATH'] ?? '' }, log, dir);
    pids.push(pid);
    await waitForLog(log, 'up');
    expect(isRunning(pid, 'polite.mjs')).toBe(true);
    expect(await terminate(pid, 'polite.mjs', 5_000)).toBe('stopped');
    expect(isRunning(pid)).toBe(false);
    expect(readFileSync(log, 'utf8')).toBe('up\nbye\n');
  });

  it('sends SIGKILL when SIGTERM is ignored past the timeout', async () => {
    const entry = script('stubborn.mjs', "process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000);");
    const log = join(dir, 'stubborn.log');
    const pid = spawnDetached(entry, { PATH: process.env['PATH'] ?? '' }, log, dir);
    pids.push(pid);
    await waitForLog(log, 'up');
    expect(await terminate(pid, 'stubborn.mjs', 500)).toBe('killed');
    expect(isRunning(pid)).toBe(false);
    expect(readFileSync(log, 'utf8')).toContain('ignored');
  });

  it('never takes another program for the recorded one (a recycled pid is not signalled)', async () => {
    const entry = script('other.mjs', "console.log('up'); setInterval(() => {}, 1000);");
    const log = join(dir, 'other.log');
    const pid = spawnDetached(entry, { PATH: process.env['PATH'] ?? '' }, log, dir);
    pids.push(pid);
    await waitForLog(log, 'up');
    expect(isRunning(pid, 'apps/school-api/dist/main.js')).toBe(false);
    expect(await terminate(pid, 'apps/school-api/dist/main.js', 500)).toBe('not-running');
    expect(isRunning(pid, 'other.mjs')).toBe(true);
  });
});
