import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendLoad } from './events.js';
import { kafka, messaging, readTopic, skipReason, unique, waitFor } from './kafka.js';
import { builtRelay, type RelayRun, runBuiltRelay, savedPosition } from './relay-process.js';

describe.skipIf(skipReason !== null)('one relay per checkpoint: the built relay process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-lock-process-'));
  const runs: RelayRun[] = [];
  const m = messaging('relay-lock-int');
  let store: EventStore;
  let offset = 100_000;

  const start = (topic: string): RelayRun => {
    const run = runBuiltRelay(dataDir, kafka.brokers, topic);
    runs.push(run);
    return run;
  };
  const lockOf = (topic: string): { pid: number } => JSON.parse(readFileSync(join(dataDir, 'event-relay', `${topic}.lock`), 'utf8')) as { pid: number };
  const lockExists = (topic: string): boolean => existsSync(join(dataDir, 'event-relay', `${topic}.lock`));
  const append = async (count: number): Promise<void> => {
    await appendLoad(store, count, 20, 10, offset);
    offset += count;
  };
  /** Waits until the relay on `topic` checkpointed the store's head. */
  const caughtUp = async (topic: string): Promise<void> => {
    const head = await store.headPosition();
    await waitFor(`the relay on ${topic} to reach ${head}`, async () => (await savedPosition(dataDir, topic)) >= head);
  };
  /** Every stored event is in `topic`, each once. */
  const expectEveryEventOnce = async (topic: string): Promise<void> => {
    const all = await store.readAll();
    const { events } = await readTopic(m, topic, all.length);
    expect(events).toHaveLength(all.length);
    expect(events.map((e) => e.id).sort()).toEqual(all.map((e) => e.id).sort());
  };
  const stop = async (run: RelayRun): Promise<void> => {
    run.kill('SIGTERM');
    expect(await run.exited, run.output()).toEqual({ code: 0, signal: null });
  };

  beforeAll(async () => {
    store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    await append(2_000);
  });
  afterAll(async () => {
    for (const run of runs) run.kill('SIGKILL');
    await Promise.all(runs.map((run) => run.exited));
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second relay on the same data dir and topic refuses to start in one line naming the first, exits 1 and publishes nothing', async () => {
    expect(existsSync(builtRelay), `${builtRelay} is missing: build first (npx nx run @npo/event-relay:build)`).toBe(true);
    const topic = unique('relay-lock');
    const first = start(topic);
    await caughtUp(topic);

    const second = start(topic);
    const outcome = await Promise.race([second.exited, sleep(20_000).then(() => 'still running after 20 s')]);
    expect(outcome, second.output()).toEqual({ code: 1, signal: null });
    const message = second.output().trim();
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(new RegExp(`^event relay could not start: another relay \\(pid ${first.pid}\\) already publishes .* topic ${topic} \\(lock `));
    expect(lockOf(topic).pid).toBe(first.pid);

    // What is appended now goes out once, through the first relay alone.
    await append(300);
    await caughtUp(topic);
    await expectEveryEventOnce(topic);
    await stop(first);
    expect(lockExists(topic)).toBe(false);
  });

  it('a relay killed with SIGKILL leaves its lock behind, and it does not block the next start', async () => {
    const topic = unique('relay-lock-kill');
    const first = start(topic);
    await caughtUp(topic);
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(lockOf(topic).pid).toBe(first.pid);

    await append(300);
    const next = start(topic);
    await caughtUp(topic);
    expect(lockOf(topic).pid).toBe(next.pid);
    // The first had checkpointed everything before it was killed: nothing is published twice.
    await expectEveryEventOnce(topic);
    await stop(next);
    expect(lockExists(topic)).toBe(false);
  });

  it('two relays on one data dir with different topics both run', async () => {
    const [a, b] = [unique('relay-lock-a'), unique('relay-lock-b')];
    const [relayA, relayB] = [start(a), start(b)];
    await append(200);
    await Promise.all([caughtUp(a), caughtUp(b)]);
    expect([lockOf(a).pid, lockOf(b).pid]).toEqual([relayA.pid, relayB.pid]);
    await expectEveryEventOnce(a);
    await expectEveryEventOnce(b);
    await Promise.all([stop(relayA), stop(relayB)]);
  });
});
