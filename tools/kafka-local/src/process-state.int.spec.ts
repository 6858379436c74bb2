import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePorts, isAlive, isOurBroker, portOpen, threadStates, withLock } from './process-state.mjs';

const dir = mkdtempSync(join(tmpdir(), 'kafka-local-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

describe('withLock', () => {
  it('runs holders one after the other', async () => {
    const lock = join(dir, 'serial', 'lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withLock(lock, 5000, async () => {
        events.push(`${name}+`);
        await sleep(50);
        events.push(`${name}-`);
      });
    await Promise.all([holder('a'), holder('b'), holder('c')]);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.[0]).toBe(events[i + 1]?.[0]);
    }
    expect(events).toHaveLength(6);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock left by a process that died', async () => {
    const lock = join(dir, 'stale', 'lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'pid'), String(deadPid()));
    await expect(withLock(lock, 2000, async () => 'got it')).resolves.toBe('got it');
  });

  it('gives up with LOCKED while a live process holds it', async () => {
    const lock = join(dir, 'held', 'lock');
    mkdirSync(lock, { recursive: true });
    writeFileSync(join(lock, 'pid'), String(process.pid));
    await expect(withLock(lock, 300, async () => 'never')).rejects.toMatchObject({ code: 'LOCKED' });
  });

  it('releases the lock when the holder throws', async () => {
    const lock = join(dir, 'throws', 'lock');
    await expect(withLock(lock, 1000, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });
});

describe('process checks', () => {
  it('tells a live pid from an exited one', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(deadPid())).toBe(false);
  });

  it('reads the state of every thread of a live process, and none of an exited one', () => {
    const states = threadStates(process.pid) ?? [];
    // This test runs in a process with several threads (libuv, V8), none of them exited.
    expect(states.length).toBeGreaterThan(1);
    expect(states.every((state) => /^[A-Za-z]$/.test(state) && state !== 'Z')).toBe(true);
    expect(threadStates(deadPid())).toEqual([]);
  });

  it('does not take an unrelated live process for the broker', () => {
    expect(isOurBroker(process.pid, '/nowhere/server.properties')).toBe(false);
  });

  it('sees a listening port as open and a closed one as closed', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    expect(await portOpen('127.0.0.1', address.port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await portOpen('127.0.0.1', address.port)).toBe(false);
  });

  it('finds distinct free ports', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const p of ports) expect(await portOpen('127.0.0.1', p)).toBe(false);
  });
});
