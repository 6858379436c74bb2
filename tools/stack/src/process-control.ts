import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadStates } from '@npo/kafka-local';
import { StackError } from './stack-error.js';

/** What `isRunning` reads of /proc; passed in by the tests, which cannot stop a real exit at a chosen moment. */
export interface ProcReader {
  /** Whether /proc describes processes here (Linux); elsewhere being alive has to do. */
  available(): boolean;
  /** The state letter (R, S, D, Z, ...) of each thread of the process; empty once it is gone. */
  threadStates(pid: number): readonly string[];
  /** The process's arguments; empty while it exits. */
  cmdline(pid: number): readonly string[];
}

export const linuxProc: ProcReader = {
  available: () => existsSync('/proc/self'),
  // The broker's liveness check reads the same: one reading of /proc for every process the stack stops.
  threadStates: (pid) => threadStates(pid) ?? [],
  cmdline: (pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg !== '');
    } catch {
      return [];
    }
  },
};

/**
 * Whether `pid` is still the process we started: alive and (where /proc exists) running `entry`, so a
 * recycled pid of an unrelated process is never signalled. Alive means one of its threads has not exited:
 * the main thread turns zombie while others still tear down, and until the last one has, the process keeps
 * its files and listening ports. A process that is exiting has an empty command line, so it is not taken
 * for `entry` any more; `terminate` waits for such a process without `entry`.
 */
export function isRunning(pid: number, entry?: string, proc: ProcReader = linuxProc): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: the pid belongs to someone else now, so it is not ours either.
    return false;
  }
  if (!proc.available()) return true;
  if (!proc.threadStates(pid).some((state) => state !== 'Z' && state !== 'X')) return false;
  return entry === undefined || proc.cmdline(pid).some((arg) => arg.endsWith(entry));
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
 * Waits on the pid alone, not on its command line, which is empty while the process exits (it may still hold
 * its ports and files then). Only called on a pid we identified.
 */
async function exited(pid: number, withinMs: number, proc: ProcReader): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (isRunning(pid, undefined, proc)) {
    if (Date.now() >= until) return false;
    await sleep(100);
  }
  return true;
}

export type StopOutcome = 'not-running' | 'stopped' | 'killed';

/** SIGTERM (the apps finish what is in flight and exit), SIGKILL if still running after `timeoutMs`. */
export async function terminate(pid: number, entry: string | undefined, timeoutMs: number, proc: ProcReader = linuxProc): Promise<StopOutcome> {
  if (!isRunning(pid, entry, proc)) return 'not-running';
  process.kill(pid, 'SIGTERM');
  if (await exited(pid, timeoutMs, proc)) return 'stopped';
  // Checked again so a pid recycled during the timeout is never killed; an exiting one needs no SIGKILL.
  if (!isRunning(pid, entry, proc)) return (await exited(pid, 10_000, proc)) ? 'stopped' : stopFailed(pid);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It exited between the check and the signal.
  }
  return (await exited(pid, 10_000, proc)) ? 'killed' : stopFailed(pid);
}

function stopFailed(pid: number): never {
  throw new StackError('STOP_FAILED', `pid ${pid} did not exit within 10 s of its last signal`);
}
