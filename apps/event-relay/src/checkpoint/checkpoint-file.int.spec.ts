import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointFile, CheckpointFileError, LOG_START } from './checkpoint-file.js';

describe('relay checkpoint file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-checkpoint-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts at the log start when there is no file, and creates its directory on the first save', async () => {
    const file = new CheckpointFile(join(dir, 'nested', 'event-relay'), 'npo.events.v1');
    expect(await file.load()).toBe(LOG_START);
    await file.save(41);
    expect(await file.load()).toBe(41);
    expect(readdirSync(join(dir, 'nested', 'event-relay'))).toEqual(['npo.events.v1.checkpoint.json']);
  });

  it('replaces the position whole on every save and leaves no temp file behind', async () => {
    const file = new CheckpointFile(dir, 't', () => new Date('2026-01-02T03:04:05.000Z'));
    for (const p of [0, 5, 1_000_000]) await file.save(p);
    expect(await file.load()).toBe(1_000_000);
    expect(readdirSync(dir)).toEqual(['t.checkpoint.json']);
    expect(JSON.parse(readFileSync(join(dir, 't.checkpoint.json'), 'utf8'))).toEqual({ topic: 't', globalPosition: 1_000_000, updatedAt: '2026-01-02T03:04:05.000Z' });
  });

  it('refuses a file it cannot trust rather than republishing from the start', async () => {
    const file = new CheckpointFile(dir, 't');
    writeFileSync(file.path, '{"topic":"t","globalPosition":');
    await expect(file.load()).rejects.toBeInstanceOf(CheckpointFileError);
    writeFileSync(file.path, JSON.stringify({ topic: 'other', globalPosition: 3 }));
    await expect(file.load()).rejects.toThrow(/topic "other"/);
    writeFileSync(file.path, JSON.stringify({ topic: 't', globalPosition: 1.5 }));
    await expect(file.load()).rejects.toMatchObject({ code: 'RELAY_CHECKPOINT_INVALID' });
  });
});

