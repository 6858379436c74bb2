import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedEvent } from '@npo/contracts';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendSteps } from '../testing/events.js';
import { generateHistory } from '../testing/history.js';
import { tempDir } from '../testing/temp-dir.js';
import { AnalyticsDatabase } from '../db/analytics-database.js';
import { storeEventFeed } from '../feed/store-event-feed.js';
import { runProjector } from './projector.js';

/*
 * The child runs the projector from TypeScript source through Node module hooks that transpile each
 * file (test/support/register-ts.mjs), so no build is needed; the parent is vitest's own process.
 */
const libRoot = fileURLToPath(new URL('../..', import.meta.url));
const BATCH = 40;

interface ChildRun {
  readonly lines: Record<string, unknown>[];
  readonly signal: NodeJS.Signals | null;
  readonly code: number | null;
  readonly stderr: string;
}

function runChild(args: readonly string[], killWhen: (line: Record<string, unknown>, all: readonly Record<string, unknown>[]) => boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@npo/source', '--import', './test/support/register-ts.mjs', 'test/fixtures/project-child.ts', ...args], {
      cwd: libRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        const line = JSON.parse(part) as Record<string, unknown>;
        lines.push(line);
        if (child.exitCode === null && child.signalCode === null && killWhen(line, lines)) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ lines, signal, code, stderr }));
  });
}

const checksum = (rows: readonly (readonly unknown[])[]): string => {
  const h = createHash('sha256');
  for (const row of rows) h.update(`${row.join('|')}\n`);
  return h.digest('hex');
};

interface FileState {
  readonly checkpoint: number;
  readonly events: number;
  readonly distinct: number;
  readonly logChecksum: string;
  readonly choices: number;
  readonly plannedCents: number;
  readonly allocatedCents: number;
  readonly quarantined: number;
}

async function fileState(dir: string): Promise<FileState> {
  const db = await AnalyticsDatabase.open({ dir });
  try {
    return await db.read(async (conn) => {
      const one = async (sql: string): Promise<unknown[]> => (await conn.runAndReadAll(sql)).getRows()[0] ?? [];
      const [checkpoint] = await one(`SELECT coalesce(max(feed_offset), -1) FROM feed_checkpoint WHERE feed = 'store'`);
      const [events, distinct] = await one('SELECT count(*), count(DISTINCT event_id) FROM projected_event');
      const log = (await conn.runAndReadAll('SELECT event_id::VARCHAR, global_position, type FROM projected_event ORDER BY global_position')).getRows();
      const [choices, planned] = await one('SELECT count(*), coalesce(sum(planned_budget_cents), 0) FROM choice');
      const [allocated] = await one('SELECT coalesce(sum(amount_cents), 0) FROM school_allocation');
      const [quarantined] = await one('SELECT count(*) FROM quarantine');
      return {
        checkpoint: Number(checkpoint),
        events: Number(events),
        distinct: Number(distinct),
        logChecksum: checksum(log),
        choices: Number(choices),
        plannedCents: Number(planned),
        allocatedCents: Number(allocated),
        quarantined: Number(quarantined),
      };
    });
  } finally {
    await db.close();
  }
}

/** What the file must hold once it has applied the log up to `upTo` — computed from the store alone. */
function expectedState(log: readonly RecordedEvent[], upTo: number): Omit<FileState, 'checkpoint'> {
  const applied = log.filter((e) => e.globalPosition <= upTo);
  const data = (e: RecordedEvent) => e.data as Record<string, number>;
  const of = (type: string) => applied.filter((e) => e.type === type);
  return {
    events: applied.length,
    distinct: applied.length,
    logChecksum: checksum(applied.map((e) => [e.id, e.globalPosition, e.type])),
    choices: of('npo.InterventionChosen').length,
    plannedCents: of('npo.InterventionChosen').reduce((s, e) => s + (data(e)['plannedBudgetCents'] ?? 0), 0),
    allocatedCents: of('npo.FundsAllocated').reduce((s, e) => s + (data(e)['amountCents'] ?? 0), 0),
    quarantined: applied.filter((e) => !e.type.startsWith('npo.') || e.type === 'npo.SomethingNew').length,
  };
}

describe('projector crash safety (kill -9 of a child process projecting a SQLite store file)', () => {
  const dir = tempDir('analytics-crash');
  const storePath = join(dir.path, 'events.sqlite');
  const analyticsDir = join(dir.path, 'analytics');
  let store: EventStore;
  let log: readonly RecordedEvent[];

  beforeAll(async () => {
    store = await openSqliteEventStore({ path: storePath });
    await appendSteps(store, generateHistory(120, 7));
    log = await store.readAll();
    expect(log.length).toBeGreaterThan(BATCH * 10);
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('leaves no partial batch when killed before COMMIT, and nothing lost when killed after it', { timeout: 120_000 }, async () => {
    // 1. Killed mid-batch: batch 3 is fully written but not committed.
    const mid = await runChild([storePath, analyticsDir, 'mid-batch', '3', String(BATCH)], (line) => line['paused'] !== undefined);
    expect(mid.stderr).toBe('');
    expect(mid.signal).toBe('SIGKILL');
    const committedBefore = mid.lines.filter((l) => l['committed'] !== undefined);
    expect(committedBefore).toHaveLength(2);
    const lastCommitted = (committedBefore.at(-1)?.['offsets'] as [number, number][])[0]?.[1] ?? -1;
    let state = await fileState(analyticsDir);
    expect(state.checkpoint).toBe(lastCommitted);
    expect(state).toEqual({ checkpoint: lastCommitted, ...expectedState(log, lastCommitted) });

    // 2. Killed right after the COMMIT of its 4th batch (between batches).
    const between = await runChild([storePath, analyticsDir, 'between', '4', String(BATCH)], (line) => line['paused'] !== undefined);
    expect(between.signal).toBe('SIGKILL');
    const reported = (between.lines.filter((l) => l['committed'] !== undefined).at(-1)?.['offsets'] as [number, number][])[0]?.[1] ?? -1;
    state = await fileState(analyticsDir);
    expect(state.checkpoint).toBe(reported);
    expect(state).toEqual({ checkpoint: reported, ...expectedState(log, reported) });

    // 3. Killed while running freely, wherever the kill lands.
    const free = await runChild([storePath, analyticsDir, 'free', '0', String(BATCH)], (_line, all) => all.length >= 3);
    expect(free.signal).toBe('SIGKILL');
    state = await fileState(analyticsDir);
    expect(state.checkpoint).toBeGreaterThanOrEqual(reported);
    expect(state).toEqual({ checkpoint: state.checkpoint, ...expectedState(log, state.checkpoint) });

    // 4. Resume to the end: exactly the store, nothing doubled.
    const db = await AnalyticsDatabase.open({ dir: analyticsDir });
    const lease = await db.lease();
    const feed = storeEventFeed(store);
    await runProjector(lease.conn, { feed, until: await feed.head(), maxBatchSize: BATCH });
    lease.release();
    await db.close();
    const head = log.at(-1)?.globalPosition ?? -1;
    state = await fileState(analyticsDir);
    expect(state).toEqual({ checkpoint: head, ...expectedState(log, head) });
    expect(state.events).toBe(log.length);
  });
});
