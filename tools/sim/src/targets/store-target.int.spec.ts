import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { decodeEvent, type RecordedEvent } from '@npo/contracts';
import { foldSchool, schoolPlanView } from '@npo/domain';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSimulation } from '../pipeline/simulation.js';
import { DEMO_SEED, seedDemo } from '../seed-demo.js';
import { writeNdjson } from './ndjson-target.js';
import { StoreNotEmptyError, writeToStore } from './store-target.js';

const clock = () => new Date('2026-01-01T00:00:00Z');
const dirs: string[] = [];
const open: EventStore[] = [];

function storeFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'npo-sim-'));
  dirs.push(dir);
  return join(dir, 'events.sqlite');
}

async function openStore(path: string): Promise<EventStore> {
  const store = await openSqliteEventStore({ path });
  open.push(store);
  return store;
}

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('demo scale into a real SQLite store file', () => {
  let path: string;
  let recorded: readonly RecordedEvent[];
  let expectedLines: string[];

  beforeAll(async () => {
    path = storeFile();
    const store = await openSqliteEventStore({ path });
    const result = await seedDemo(store, clock);
    expect(result.seeded).toBe(true);
    expect(result.events).toBeGreaterThan(1000);
    await store.close();
    // Read back through a new connection: what is in the file, not in a cache.
    const reopened = await openSqliteEventStore({ path });
    recorded = await reopened.readAll();
    await reopened.close();
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString('utf8')));
    await writeNdjson(createSimulation({ scale: 'demo', seed: DEMO_SEED, now: clock() }).steps(), out, { format: 'events' });
    expectedLines = text.trimEnd().split('\n');
  });

  it('stores exactly the events the NDJSON target writes, at the same stream positions', () => {
    // The global order differs within a batch (one append per stream), the streams' own order does not.
    expect(recorded.length).toBe(expectedLines.length);
    const byId = new Map(
      expectedLines.map((l) => {
        const e = JSON.parse(l) as { id: string; streamId: string; streamPosition: number; type: string; occurredAt: string; data: unknown; metadata: unknown };
        return [e.id, e] as const;
      }),
    );
    for (const e of recorded) {
      const line = byId.get(e.id);
      expect(line).toBeDefined();
      expect({ streamId: e.streamId, streamPosition: e.streamPosition, type: e.type, occurredAt: e.occurredAt, data: e.data, metadata: e.metadata }).toEqual({
        streamId: line?.streamId,
        streamPosition: line?.streamPosition,
        type: line?.type,
        occurredAt: line?.occurredAt,
        data: line?.data,
        metadata: line?.metadata,
      });
    }
  });

  it('every stored event decodes against the contract, with consecutive stream positions', () => {
    const next = new Map<string, number>();
    for (const raw of recorded) {
      const decoded = decodeEvent(raw);
      if (!decoded.ok) throw new Error(decoded.reason);
      expect(raw.streamPosition).toBe(next.get(raw.streamId) ?? 0);
      next.set(raw.streamId, raw.streamPosition + 1);
    }
    expect(next.size).toBe(81); // 77 schools + 4 gemeenten
  });

  it("folds school 16SW into a plan with consent and allocations", () => {
    const events = recorded.filter((e) => e.streamId === 'school-16SW').map((e) => {
      const d = decodeEvent(e);
      if (!d.ok) throw new Error(d.reason);
      return { type: d.event.type, data: d.event.data } as Parameters<typeof foldSchool>[0] extends Iterable<infer T> ? T : never;
    });
    const view = schoolPlanView(foldSchool(events));
    expect(view?.name).toBe('Basisschool De Zuidwester');
    const first = view?.years.find((y) => y.schoolYear === '2021-2022');
    expect(first?.activeChoices.length).toBeGreaterThan(0);
    expect(first?.allocatedCents).toBeGreaterThan(0);
  });

  it('leaves a store that holds events alone', async () => {
    const store = await openStore(path);
    const head = await store.headPosition();
    expect((await seedDemo(store, clock)).seeded).toBe(false);
    expect(await store.headPosition()).toBe(head);
    await expect(writeToStore(store, createSimulation({ scale: 'demo', seed: 1, now: clock() }).steps())).rejects.toBeInstanceOf(StoreNotEmptyError);
  });

  it('seeds nothing after the clock', async () => {
    const store = await openStore(storeFile());
    const cut = new Date('2022-06-01T00:00:00Z');
    const result = await seedDemo(store, () => cut);
    expect(result.seeded).toBe(true);
    const events = await store.readAll();
    expect(events.length).toBe(result.events);
    expect(events.every((e) => e.occurredAt <= cut.toISOString())).toBe(true);
    expect(events.length).toBeLessThan(recorded.length);
  });

  it('writes the same run in small batches with the same result', async () => {
    const store = await openStore(storeFile());
    const r = await writeToStore(store, createSimulation({ scale: 'demo', seed: DEMO_SEED, now: clock() }).steps(), { batchEvents: 50 });
    expect(r.events).toBe(recorded.length);
    expect(r.appends).toBeGreaterThan(r.streams); // many batches: streams were appended to more than once
    const key = (e: RecordedEvent) => `${e.id}@${e.streamId}#${e.streamPosition}`;
    expect(new Set((await store.readAll()).map(key))).toEqual(new Set(recorded.map(key)));
  });
});
