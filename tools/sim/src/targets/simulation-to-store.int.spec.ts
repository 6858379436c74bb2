import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedEvent } from '@npo/contracts';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSimulationToStore, workerAvailable } from './simulation-to-store.js';

const dir = mkdtempSync(join(tmpdir(), 'npo-sim-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const simulation = { scale: 'demo' as const, seed: 9, now: new Date('2026-01-01T00:00:00Z') };
const key = (e: RecordedEvent) => `${e.id}@${e.streamId}#${e.streamPosition}:${JSON.stringify(e.data)}`;

async function runInto(name: string, write: typeof writeSimulationToStore, useWorker: boolean) {
  const store = await openSqliteEventStore({ path: join(dir, `${name}.sqlite`) });
  try {
    let started = false;
    const result = await write(store, simulation, { useWorker, batchEvents: 500, onStart: () => (started = true) });
    expect(started).toBe(true);
    return { result, events: await store.readAll() };
  } finally {
    await store.close();
  }
}

describe('simulation into a store, generated on this thread', () => {
  it('writes the run and says it did not use a worker', async () => {
    expect(workerAvailable()).toBe(false); // the test runner loads the TypeScript source
    const { result, events } = await runInto('inline', writeSimulationToStore, false);
    expect(result.worker).toBe(false);
    expect(events.length).toBe(result.events);
  });
});

// The worker thread runs compiled JavaScript only, so this part needs `nx build` of this project.
const built = fileURLToPath(new URL('../../dist/targets/simulation-to-store.js', import.meta.url));
const haveBuild = existsSync(built);
if (!haveBuild) console.warn(`[sim] skipping the worker-thread store test: ${built} is missing (run the build first)`);

describe.skipIf(!haveBuild)('simulation into a store, generated on a worker thread (built package)', () => {
  it('writes exactly the same events as generation on the calling thread', async () => {
    const builtModule = (await import(built)) as { writeSimulationToStore: typeof writeSimulationToStore };
    const inline = await runInto('compare-inline', writeSimulationToStore, false);
    const worker = await runInto('compare-worker', builtModule.writeSimulationToStore, true);
    expect(worker.result.worker).toBe(true);
    expect(worker.result.events).toBe(inline.result.events);
    expect(worker.events.map(key)).toEqual(inline.events.map(key));
  });
});
