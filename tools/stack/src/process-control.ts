import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from './stack-error.js';

/**
 * Whether `pid` is still the process we started: alive, not a zombie, and (where /proc exists) running
 * `entry`, so a recycled pid of an unrelated process is never signalled.
 */
export function isRunning(pid: number, entry?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: the pid belongs to someone else now, so it is not ours either.
    return false;
  }
  const proc = `/proc/${pid}`;
  if (!existsSync(proc)) return true;
  try {
    // The state is the field after the parenthesised command name; a zombie has exited already.
    const stat = readFileSync(`${proc}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    if (entry !== undefined && !readFileSync(`${proc}/cmdline`, 'utf8').split('\0').some((arg) => arg.endsWith(entry))) return false;
  } catch {
    return false;
  }
  return true;
}

/** Starts `node <entry>` in its own process group, detached from the caller, output appended to `logFile`. */
export function spawnDetached(entryPath: string, env: Readonly<Record<string, string>>, logFile: string, cwd: string): number {
  const log = openSync(logFile, 'a');
  try {
    const child = spawn(process.execPath, [entryPath], { cwd, env, detached: true, stdio: ['ignore', log, log] });
    if (child.pid === undefined) throw new StackError('EXITED', `could not start ${entryPath}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/*
 * Waits on the pid alone, not on its command line: an exiting process has an empty cmdline for a moment before
 * it becomes a zombie, and it may still hold its ports and files then. Only called on a pid we identified.
 */
async function exited(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (isRunning(pid)) {
    if (Date.now() >= until) return false;
    await sleep(100);
  }
  return true;
}

export type StopOutcome = 'not-running' | 'stopped' | 'killed';

/** SIGTERM (the apps finish what is in flight and exit), SIGKILL if still running after `timeoutMs`. */
export async function terminate(pid: number, entry: string | undefined, timeoutMs: number): Promise<StopOutcome> {
  if (!isRunning(pid, entry)) return 'not-running';
  process.kill(pid, 'SIGTERM');
  if (await exited(pid, timeoutMs)) return 'stopped';
  // Checked again so a pid recycled during the timeout is never killed; an exiting one needs no SIGKILL.
  if (!isRunning(pid, entry)) return (await exited(pid, 10_000)) ? 'stopped' : stopFailed(pid);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It exited between the check and the signal.
  }
  return (await exited(pid, 10_000)) ? 'killed' : stopFailed(pid);
}

function stopFailed(pid: number): never {
  throw new StackError('STOP_FAILED', `pid ${pid} did not exit within 10 s of its last signal`);
}
