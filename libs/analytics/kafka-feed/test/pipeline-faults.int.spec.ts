import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from '@npo/analytics-model/testing';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { checkPrerequisites, freePorts, start, stop, type KafkaLocalOptions } from '@npo/kafka-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsState, expectEqualToStore } from './support/analytics-state.js';
import { CommandDriver } from './support/command-driver.js';
import { messaging, unique, waitFor } from './support/kafka.js';
import { drained, relayCheckpoint, topicHead } from './support/pipeline.js';
import { startProjectorProcess, startRelayProcess, type Child } from './support/processes.js';

// Stopping the shared broker would break the other suites running against it: this file runs a
// broker of its own (temporary data, free ports), like libs/messaging's restart test.
const missing = await checkPrerequisites().then(
  () => null,
  (e: unknown) => (e instanceof Error ? e.message : String(e)),
);
if (missing !== null && process.env['CI'] && process.env['CI'] !== 'false') throw new Error(`CI runs the pipeline fault test against a real broker, but: ${missing}`);
if (missing !== null) console.warn(`pipeline fault test skipped: ${missing}`);

const numberIn = (line: Record<string, unknown> | undefined, field: string): number => Number(line?.[field] ?? 0);
const lastWith = (child: Child, field: string): Record<string, unknown> | undefined => [...child.lines].reverse().find((l) => l[field] !== undefined);

describe.skipIf(missing !== null)('pipeline faults under load (own broker)', () => {
  const dir = tempDir('pipeline-faults');
  const dataDir = join(dir.path, 'data');
  const children: Child[] = [];
  let broker: KafkaLocalOptions;
  let brokers: readonly string[];
  let store: EventStore;

  beforeAll(async () => {
    const [port, controllerPort] = await freePorts(2);
    broker = { stateDir: join(dir.path, 'kafka'), port, controllerPort };
    brokers = (await start(broker)).brokers;
    mkdirSync(dataDir, { recursive: true });
    store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  }, 180_000);
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await store?.close();
    if (broker) await stop(broker, { signal: 'SIGKILL' });
    dir.remove();
  });

  it('relay SIGKILLed mid-stream, broker stopped and restarted, projector SIGKILLed mid-batch, a second consumer joining and leaving: DuckDB ends equal to the store, every message applied or dropped as a repeat exactly once', { timeout: 300_000 }, async () => {
    const m = messaging('pipeline-faults', brokers);
    const topic = unique('npo.events.faults');
    const groupId = unique('analytics');
    const analytics = join(dir.path, 'analytics');
    const driver = new CommandDriver(store, 60);
    await driver.run(4_000); // a backlog, then steady traffic for the whole test
    const stopLoad = new AbortController();
    const load = driver.run(40_000, 400, stopLoad.signal);

    let { relay } = await startRelayProcess({ dataDir, brokers, topic, batch: 100 });
    children.push(relay);
    const projector1 = startProjectorProcess({ dir: analytics, brokers, topic, groupId, midBatch: 6 });
    children.push(projector1);

    // 1. The relay dies in the middle of the backlog, most likely with a batch in flight (written by
    //    the broker, not yet in the checkpoint); a new one resumes from its checkpoint.
    await waitFor('the relay to be well into the backlog', async () => (await relayCheckpoint(dataDir, topic)) >= 1_500, 90_000, 10);
    expect(await relay.kill('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    ({ relay } = await startRelayProcess({ dataDir, brokers, topic, batch: 100 }));
    children.push(relay);

    // 2. The projector dies with batch 6 written but not committed.
    await projector1.waitForLine('projector 1 paused before a commit', (l) => l['paused'] !== undefined);
    expect(await projector1.kill('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });
    const projector2 = startProjectorProcess({ dir: analytics, brokers, topic, groupId });
    children.push(projector2);

    // 3. The broker goes away for a while under load, and comes back on the same data.
    await projector2.waitForLine('projector 2 to commit', (l) => l['batch'] !== undefined);
    await stop(broker);
    await sleep(1_000);
    await start(broker);
    const afterRestart = await relayCheckpoint(dataDir, topic);
    await waitFor('the relay to publish after the broker restart', async () => (await relayCheckpoint(dataDir, topic)) > afterRestart + 200, 120_000);

    // 4. A second member joins the group (its own database), takes partitions, and leaves again.
    const seenBefore = projector2.lines.length;
    const projector3 = startProjectorProcess({ dir: join(dir.path, 'analytics-second'), brokers, topic, groupId });
    children.push(projector3);
    await projector3.waitForLine('projector 3 to get partitions', (l) => Array.isArray(l['assigned']) && (l['assigned'] as unknown[]).length > 0);
    await projector3.waitForLine('projector 3 to commit', (l) => l['batch'] !== undefined);
    await waitFor('projector 2 to have given partitions up', () => projector2.lines.slice(seenBefore).some((l) => Array.isArray(l['assigned']) && (l['assigned'] as unknown[]).length < 3));
    expect(await projector3.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    await projector2.waitForLine('projector 2 to own all partitions again', (l) => Array.isArray(l['assigned']) && (l['assigned'] as unknown[]).length === 3 && projector2.lines.indexOf(l) > seenBefore);

    stopLoad.abort();
    await load;
    await drained(m, store, dataDir, topic, projector2, 180_000);
    expect(await projector2.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await relay.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    const all = await store.readAll();
    expect(all).toHaveLength(driver.events);
    await expectEqualToStore(analytics, `kafka:${topic}`, store, join(dir.path, 'reference'));

    // Accounting over the topic: the main database's two projectors applied every stored event once,
    // and recognised every other message (the killed relay's re-publishes) as a repeat.
    const p1 = lastWith(projector1, 'batch');
    const p2 = lastWith(projector2, 'stopped');
    const messages = [...(await topicHead(m, topic)).values()].reduce((n, last) => n + last + 1, 0);
    expect(numberIn(p1, 'applied') + numberIn(p2, 'applied')).toBe(all.length);
    expect(numberIn(p1, 'duplicates') + numberIn(p2, 'duplicates')).toBe(messages - all.length);
    console.info(`pipeline faults: ${all.length} events, ${messages} messages (${messages - all.length} re-published), ${numberIn(p1, 'applied')} applied before the mid-batch kill`);

    // The second member's database holds a part of the history, each event once, in stream order.
    const second = await analyticsState(join(dir.path, 'analytics-second'), `kafka:${topic}`);
    expect(second.events).toBeGreaterThan(0);
    expect(second.distinctEvents).toBe(second.events);
    expect(second.streamsInOrder).toBe(true);
  });
});
