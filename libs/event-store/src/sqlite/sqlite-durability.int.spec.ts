import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@npo/contracts';
import { newEvents } from '../contract/contract-helpers.js';
import { openSqliteEventStore } from './sqlite-event-store.js';

interface Ack {
  readonly batchId: string;
  readonly streamId: string;
  readonly events: readonly { id: string; streamPosition: number; globalPosition: number }[];
}

const libRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'npo-event-store-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the appending child until it has acknowledged `killAfter` appends, then kill -9s it. */
function appendThenKill(path: string, round: number, killAfter: number): Promise<{ acks: Ack[]; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@npo/source', '--import', './test/support/register-ts.mjs', 'test/fixtures/append-child.ts', path, String(round)],
      { cwd: libRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acks: Ack[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? ''; // a line cut by the kill is not an acknowledgement
      for (const line of lines) acks.push(JSON.parse(line) as Ack);
      if (acks.length >= killAfter && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => resolve({ acks, signal, stderr }));
  });
}

function verify(log: readonly RecordedEvent[], acks: readonly Ack[]): void {
  const byId = new Map(log.map((e) => [e.id, e]));
  for (const ack of acks) {
    for (const e of ack.events) {
      expect(byId.get(e.id), `acknowledged event ${e.id} of ${ack.batchId}`).toMatchObject({
        streamId: ack.streamId,
        streamPosition: e.streamPosition,
        globalPosition: e.globalPosition,
      });
    }
  }
  // All or nothing per append: every stored batch is complete.
  const batches = new Map<string, { size: number; count: number }>();
  for (const e of log) {
    const { batchId, size } = e.data as { batchId: string; size: number };
    const b = batches.get(batchId) ?? { size, count: 0 };
    b.count++;
    batches.set(batchId, b);
  }
  for (const [batchId, b] of batches) expect(b.count, `events stored of batch ${batchId}`).toBe(b.size);
  // Contiguous positions per stream, strictly increasing global positions.
  const lastPerStream = new Map<string, number>();
  log.forEach((e, i) => {
    expect(e.streamPosition).toBe((lastPerStream.get(e.streamId) ?? -1) + 1);
    lastPerStream.set(e.streamId, e.streamPosition);
    if (i > 0) expect(e.globalPosition).toBeGreaterThan(log[i - 1]!.globalPosition);
  });
}

describe('SQLite event store durability', () => {
  it('keeps every acknowledged append and no partial one after kill -9, twice over', { timeout: 120_000 }, async () => {
    const path = join(dir, 'crash.sqlite');
    const allAcks: Ack[] = [];
    for (const [round, killAfter] of [
      [1, 300],
      [2, 500],
    ] as const) {
      const { acks, signal, stderr } = await appendThenKill(path, round, killAfter);
      expect(stderr).toBe('');
      expect(signal, 'the child was killed mid-run, not finished').toBe('SIGKILL');
      expect(acks.length).toBeGreaterThanOrEqual(killAfter);
      allAcks.push(...acks);

      const store = await openSqliteEventStore({ path });
      const log = await store.readAll();
      verify(log, allAcks);
      // The reopened store carries on where the stream stopped.
      const stream = await store.readStream('school-0');
      const r = await store.append('school-0', newEvents(1, () => ({ batchId: `reopen-${round}`, size: 1 })), { expectedVersion: stream.length - 1 });
      expect(r.events[0]?.streamPosition).toBe(stream.length);
      await store.close();
    }
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
