import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdempotencyKeysUnavailableError } from './application-errors.js';
import { SqliteIdempotencyKeys } from './sqlite-idempotency-keys.js';
import type { CommandReply } from './stream-command-executor.js';

const reply: CommandReply = { created: true, replayed: false, eventIds: ['e-1'], streamVersion: 3, globalPosition: 41 };

describe('SqliteIdempotencyKeys', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'npo-idempotency-keys-'));
    path = join(dir, 'keys.sqlite');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('claims a key once; later claims see the first request and, after a reopen, its answer', async () => {
    const keys = await SqliteIdempotencyKeys.open(path);
    expect(await keys.claim('ocw:a', 'k', 'h1', 'school-16SW')).toBeNull();
    expect(await keys.claim('ocw:a', 'k', 'h2', 'school-17XX')).toEqual({ requestHash: 'h1', streamId: 'school-16SW', reply: null });
    expect(await keys.claim('ocw:b', 'k', 'h2', 'school-17XX')).toBeNull();
    await keys.complete('ocw:a', 'k', 'h1', reply);
    await keys.close();

    const reopened = await SqliteIdempotencyKeys.open(path);
    expect(await reopened.claim('ocw:a', 'k', 'h1', 'school-16SW')).toEqual({ requestHash: 'h1', streamId: 'school-16SW', reply });
    await reopened.close();
  });

  it('is shared by two connections (two API processes on one data dir)', async () => {
    const one = await SqliteIdempotencyKeys.open(path);
    const two = await SqliteIdempotencyKeys.open(path);
    expect(await one.claim('ocw:a', 'k', 'h1', 's')).toBeNull();
    expect(await two.claim('ocw:a', 'k', 'h2', 's')).toMatchObject({ requestHash: 'h1' });
    await one.close();
    await two.close();
  });

  it('writes the calls of one turn in one transaction, in call order', async () => {
    const keys = await SqliteIdempotencyKeys.open(path);
    // All in one turn: the second claim of `k` must see the first, the release must free `r` before it is claimed again.
    const [first, second, , , again] = await Promise.all([
      keys.claim('ocw:a', 'k', 'h1', 's'),
      keys.claim('ocw:a', 'k', 'h2', 's'),
      keys.claim('ocw:a', 'r', 'h1', 's'),
      keys.release('ocw:a', 'r', 'h1'),
      keys.claim('ocw:a', 'r', 'h2', 's'),
    ]);
    expect(first).toBeNull();
    expect(second).toMatchObject({ requestHash: 'h1' });
    expect(again).toBeNull();
    const many = await Promise.all(Array.from({ length: 500 }, (_, i) => keys.claim('ocw:a', `n${i}`, 'h', 's')));
    expect(many.every((c) => c === null)).toBe(true);
    await keys.close();
    const reopened = await SqliteIdempotencyKeys.open(path);
    expect(await reopened.claim('ocw:a', 'n499', 'other', 's')).toMatchObject({ requestHash: 'h' });
    expect(await reopened.claim('ocw:a', 'r', 'other', 's')).toMatchObject({ requestHash: 'h2' });
    await reopened.close();
  });

  it('fails to open, with a typed error, where the file cannot be created', async () => {
    const error = await SqliteIdempotencyKeys.open(join(dir, 'missing', 'keys.sqlite')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyKeysUnavailableError);
    expect((error as Error).message).toMatch(/Cannot open database because the directory does not exist/);
  });

  it('fails every call once its thread is gone, and still closes', async () => {
    const keys = await SqliteIdempotencyKeys.open(path);
    // A crash of the thread, from outside: the class offers no way to kill it, on purpose.
    await (keys as unknown as { worker: Worker }).worker.terminate();
    await expect(keys.claim('ocw:a', 'k', 'h', 's')).rejects.toBeInstanceOf(IdempotencyKeysUnavailableError);
    await expect(keys.close()).resolves.toBeUndefined();
  });

  it('refuses calls after close instead of hanging', async () => {
    const keys = await SqliteIdempotencyKeys.open(path);
    await keys.close();
    await expect(keys.claim('ocw:a', 'k', 'h', 's')).rejects.toBeInstanceOf(IdempotencyKeysUnavailableError);
  });

  it('releases only an unanswered claim, and only for its own request', async () => {
    const keys = await SqliteIdempotencyKeys.open(path);
    await keys.claim('ocw:a', 'free', 'h1', 's');
    await keys.release('ocw:a', 'free', 'other');
    expect(await keys.claim('ocw:a', 'free', 'h2', 's')).toMatchObject({ requestHash: 'h1' });
    await keys.release('ocw:a', 'free', 'h1');
    expect(await keys.claim('ocw:a', 'free', 'h2', 's')).toBeNull();

    await keys.claim('ocw:a', 'done', 'h1', 's');
    await keys.complete('ocw:a', 'done', 'h1', reply);
    await keys.release('ocw:a', 'done', 'h1');
    expect(await keys.claim('ocw:a', 'done', 'h1', 's')).toMatchObject({ reply });
    await keys.close();
  });
});
