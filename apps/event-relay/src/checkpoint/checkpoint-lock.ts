import { readFileSync, rmSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

/** Who holds a checkpoint lock, as its lock file says. */
export interface LockHolder {
  readonly pid: number;
  readonly topic: string;
  readonly host: string;
  /** When it took the lock (ISO). */
  readonly since: string;
  /** Linux: the kernel's boot id and the process's start time (clock ticks after boot); with the pid they name one process. */
  readonly bootId?: string;
  readonly startTicks?: string;
}

export class RelayLockedError extends Error {
  readonly code = 'RELAY_LOCKED';
  constructor(
    readonly path: string,
    readonly topic: string,
    readonly holder: LockHolder,
  ) {
    const who = holder.pid === process.pid ? `pid ${holder.pid}, this process` : `pid ${holder.pid}`;
    super(`another relay (${who}) already publishes this data dir's log to topic ${topic} (lock ${path}, taken ${holder.since}); stop it first: two relays would publish every event twice`);
    this.name = 'RelayLockedError';
  }
}

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

const readOrNull = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

const bootId = readOrNull('/proc/sys/kernel/random/boot_id')?.trim();

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and parentheses. */
function procStat(pid: number): { state: string; startTicks: string } | undefined {
  const text = readOrNull(`/proc/${pid}/stat`);
  if (text === null) return undefined;
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // state is field 3 of stat(5), starttime field 22.
  const [state, startTicks] = [fields[0], fields[19]];
  return state !== undefined && startTicks !== undefined ? { state, startTicks } : undefined;
}

/**
 * Whether the process that wrote `holder` still runs. A relay killed with SIGKILL leaves its file
 * behind, so only a live process may block a start; on Linux the boot id and start time also tell a
 * reused pid (another program, or this relay restarted under its old pid, as in a container) from the holder.
 */
function isRunning(holder: LockHolder): boolean {
  // Our own locks were recognised before: a file naming our pid is from an earlier process with that pid.
  if (!Number.isSafeInteger(holder.pid) || holder.pid <= 0 || holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it runs, under another user.
    if (errorCode(error) !== 'EPERM') return false;
  }
  if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId) return false;
  const stat = procStat(holder.pid);
  if (stat === undefined) return true;
  // A zombie runs no code any more: it publishes nothing, even before its parent reaps it.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.startTicks === undefined || holder.startTicks === stat.startTicks;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const record = JSON.parse(text) as Partial<LockHolder>;
    return typeof record.pid === 'number' ? (record as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The lock texts this process wrote and holds. A file naming our pid is ours only if it is one of
 * these (a second relay in this process is refused); otherwise an earlier process had our pid.
 */
const heldHere = new Set<string>();

/**
 * Creates `path` holding `text` only if it does not exist. The text is written to a private file
 * first and linked into place, so nobody ever reads a half-written lock and mistakes it for a stale one.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const temp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  await writeFile(temp, text, { flag: 'wx', mode: 0o644 });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    // A file system without hard links: exclusive create, then write (a reader may see it empty for a moment).
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errorCode(error) ?? '')) throw error;
    try {
      await writeFile(path, text, { flag: 'wx', mode: 0o644 });
      return true;
    } catch (fallbackError) {
      if (errorCode(fallbackError) === 'EEXIST') return false;
      throw fallbackError;
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/** The file's text, or null when there is none. */
async function readIfThere(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Without hard links a file is written after it is created: a young unreadable one may still be being written. */
const UNREADABLE_GRACE_MS = 1_000;

/** Whether the lock (or takeover) file `path`, read as `text`, was left by a process that no longer runs. */
async function isStale(path: string, text: string): Promise<boolean> {
  const holder = parseHolder(text);
  if (holder !== undefined) return !heldHere.has(text) && !isRunning(holder);
  const written = await stat(path).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  return Date.now() - written >= UNREADABLE_GRACE_MS;
}

/**
 * Removes `path` if it still holds `seen`. Moving it aside is atomic, so what was moved is exactly what
 * was there; a file another process put there meanwhile is put back.
 */
async function removeIfUnchanged(path: string, seen: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    if ((await readFile(aside, 'utf8')) === seen) return;
    await link(aside, path).catch((error: unknown) => {
      if (errorCode(error) !== 'EEXIST') throw error;
    });
  } finally {
    await rm(aside, { force: true });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** How long a start waits for others taking over a stale lock at the same moment. */
const ACQUIRE_TIMEOUT_MS = 5_000;

/**
 * The relay's claim on one checkpoint (data dir + topic), held for as long as it runs: it is the only
 * writer of the topic from that log, and a second relay publishing alongside would send every new
 * event twice. A file `<topic>.lock` next to the checkpoint names the holder; a lock whose holder no
 * longer runs (SIGKILL, a crash, a reboot) is taken over.
 *
 * The liveness check sees processes of this machine (this container) only: relays on two hosts or in
 * two containers sharing one volume are not told apart.
 */
export class CheckpointLock {
  #released = false;
  readonly #onExit = (): void => this.#releaseSync();

  private constructor(
    readonly path: string,
    private readonly text: string,
  ) {
    // process.exit() (a failed relay, a timed-out shutdown) runs no promises: drop the file synchronously.
    process.on('exit', this.#onExit);
  }

  static pathFor(dir: string, topic: string): string {
    return join(dir, `${topic}.lock`);
  }

  /** Takes the lock for `topic` in `dir`, or rejects with RelayLockedError naming the running holder. */
  static async acquire(dir: string, topic: string): Promise<CheckpointLock> {
    const path = CheckpointLock.pathFor(dir, topic);
    const record: LockHolder = { pid: process.pid, topic, host: hostname(), since: new Date().toISOString(), bootId, startTicks: procStat(process.pid)?.startTicks };
    const text = `${JSON.stringify(record)}\n`;
    // Known before the file exists, so a concurrent acquire in this process reads it as ours.
    heldHere.add(text);
    try {
      await mkdir(dir, { recursive: true });
      const takeover = `${path}.takeover`;
      const deadline = Date.now() + ACQUIRE_TIMEOUT_MS;
      for (;;) {
        if (await createExclusive(path, text)) return new CheckpointLock(path, text);
        const seen = await readIfThere(path);
        if (seen === null) continue; // released meanwhile
        if (!(await isStale(path, seen))) {
          const holder = parseHolder(seen);
          if (holder !== undefined) throw new RelayLockedError(path, topic, holder);
        } else if (await createExclusive(takeover, text)) {
          // Only the holder of the takeover file removes a stale lock, and a dead holder never releases
          // its own: the lock cannot change between this read and the removal, so a fresh lock (of a
          // relay that won the race just before) is never removed by mistake.
          try {
            if ((await readIfThere(path)) === seen) await rm(path, { force: true });
          } finally {
            await rm(takeover, { force: true });
          }
          continue;
        } else {
          // Another start is taking over. One that died doing so (a window of a few system calls) would
          // block every start after it: its takeover file goes once its writer no longer runs.
          const claim = await readIfThere(takeover);
          if (claim !== null && (await isStale(takeover, claim))) await removeIfUnchanged(takeover, claim);
        }
        if (Date.now() > deadline) throw new Error(`could not take the relay lock ${path} within ${ACQUIRE_TIMEOUT_MS} ms: other relays kept taking it over; try again`);
        await sleep(20);
      }
    } catch (error) {
      heldHere.delete(text);
      throw error;
    }
  }

  /** Gives the lock up; the file is removed only while it is still ours. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    process.off('exit', this.#onExit);
    try {
      if ((await readFile(this.path, 'utf8').catch(() => null)) === this.text) await rm(this.path, { force: true });
    } finally {
      heldHere.delete(this.text);
    }
  }

  #releaseSync(): void {
    if (this.#released) return;
    this.#released = true;
    heldHere.delete(this.text);
    if (readOrNull(this.path) === this.text) rmSync(this.path, { force: true });
  }
}
