import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointLock, RelayLockedError } from './checkpoint-lock.js';

const onLinux = existsSync('/proc/self/stat');
const startTicksOf = (pid: number): string => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
};
const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.on('close', (code) => resolve(code)));

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await exited(child);
  return child.pid!;
}

/** A lock file as a relay with these fields would have left it. */
const lockText = (fields: Record<string, unknown>): string => `${JSON.stringify({ topic: 't', host: 'elsewhere', since: '2026-01-01T00:00:00.000Z', ...fields })}\n`;

describe('relay checkpoint lock', () => {
  let dir: string;
  const children: ChildProcess[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-lock-'));
  });
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('is held until released: a second holder in this process is refused, naming the pid; after release it can be taken again', async () => {
    const lock = await CheckpointLock.acquire(join(dir, 'event-relay'), 't');
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, topic: 't' });
    const refused = await CheckpointLock.acquire(join(dir, 'event-relay'), 't').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RelayLockedError);
    expect(refused).toMatchObject({ code: 'RELAY_LOCKED', holder: { pid: process.pid } });
    expect((refused as Error).message).toContain(`pid ${process.pid}`);
    expect((refused as Error).message).not.toContain('\n');
    await lock.release();
    expect(readdirSync(join(dir, 'event-relay'))).toEqual([]);
    await (await CheckpointLock.acquire(join(dir, 'event-relay'), 't')).release();
  });

  it('is one per topic: two topics in one directory are held at the same time', async () => {
    const a = await CheckpointLock.acquire(dir, 'topic-a');
    const b = await CheckpointLock.acquire(dir, 'topic-b');
    expect(readdirSync(dir).sort()).toEqual(['topic-a.lock', 'topic-b.lock']);
    await Promise.all([a.release(), b.release()]);
  });

  it('refuses while another live process holds it', async () => {
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(holder);
    const pid = holder.pid!;
    writeFileSync(CheckpointLock.pathFor(dir, 't'), lockText(onLinux ? { pid, startTicks: startTicksOf(pid) } : { pid }));
    await expect(CheckpointLock.acquire(dir, 't')).rejects.toThrow(`another relay (pid ${pid}) already publishes`);
  });

  it('takes over a lock whose holder no longer runs (SIGKILL), whose pid is ours (a restarted container), or that cannot be read', async () => {
    for (const stale of [lockText({ pid: await deadPid() }), lockText({ pid: process.pid }), '{"pid":', '']) {
      writeFileSync(CheckpointLock.pathFor(dir, 't'), stale);
      // An unreadable lock is waited for a moment (without hard links a lock is written after it is created).
      utimesSync(CheckpointLock.pathFor(dir, 't'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const lock = await CheckpointLock.acquire(dir, 't');
      expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
      await lock.release();
    }
  });

  it.skipIf(!onLinux)('takes over a lock whose pid now belongs to another process, told by its start time or an earlier boot', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(other);
    const pid = other.pid!;
    for (const reused of [lockText({ pid, startTicks: '1' }), lockText({ pid, bootId: '00000000-0000-0000-0000-000000000000', startTicks: startTicksOf(pid) })]) {
      writeFileSync(CheckpointLock.pathFor(dir, 't'), reused);
      await (await CheckpointLock.acquire(dir, 't')).release();
    }
  });

  it('leaves a lock another relay took over in place when it is released', async () => {
    const lock = await CheckpointLock.acquire(dir, 't');
    const other = lockText({ pid: 1 });
    writeFileSync(lock.path, other);
    await lock.release();
    expect(readFileSync(lock.path, 'utf8')).toBe(other);
  });

  describe('in other processes (the built module: npx nx run @npo/event-relay:build)', () => {
    const builtLock = fileURLToPath(new URL('../../dist/checkpoint/checkpoint-lock.js', import.meta.url));
    // Takes the lock at `startAt` (ms since the epoch), prints the outcome, holds it for 1.5 s; `exit` ends with process.exit(2) instead.
    const taker = `
      const [module, dir, topic, startAt, how] = process.argv.slice(1);
      const { CheckpointLock } = await import(module);
      await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
      try {
        const lock = await CheckpointLock.acquire(dir, topic);
        console.log('won');
        if (how === 'exit') process.exit(2);
        setTimeout(() => lock.release(), 1500);
      } catch (error) {
        console.log(error.code ?? error.message);
      }`;
    const take = (startAt: number, how = 'hold'): Promise<string> => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', taker, builtLock, dir, 't', String(startAt), how], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      return exited(child).then(() => out.trim());
    };

    it('lets exactly one of several relays starting at once take over a stale lock', async () => {
      expect(existsSync(builtLock), `${builtLock} is missing: build first`).toBe(true);
      for (let round = 0; round < 3; round++) {
        writeFileSync(CheckpointLock.pathFor(dir, 't'), lockText({ pid: await deadPid() }));
        const startAt = Date.now() + 1_500;
        const outcomes = await Promise.all(Array.from({ length: 8 }, () => take(startAt)));
        expect(outcomes.filter((o) => o === 'won'), outcomes.join(', ')).toHaveLength(1);
        expect(outcomes.filter((o) => o === 'RELAY_LOCKED')).toHaveLength(7);
        expect(readdirSync(dir)).toEqual([]);
      }
    });

    it('is dropped when the holder ends with process.exit()', async () => {
      expect(await take(Date.now(), 'exit')).toBe('won');
      expect(readdirSync(dir)).toEqual([]);
    });
  });
});
