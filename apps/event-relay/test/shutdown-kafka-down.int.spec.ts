import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { checkPrerequisites, freePorts, start, stop, type KafkaLocalOptions } from '@npo/kafka-local';
import { createKafkaMessaging } from '@npo/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_STOP_TIMEOUT_MS } from '../src/relay/event-relay.js';
import { appendLoad } from './events.js';
import { builtRelay, type RelayRun, runBuiltRelay, savedPosition } from './relay-process.js';
import { readTopic, unique, waitFor } from './kafka.js';

// The broker is killed in the middle of this test, which would break every other suite using the
// shared one: this file runs a broker of its own (temporary data, free ports).
const missing = await checkPrerequisites().then(
  () => null,
  (e: unknown) => (e instanceof Error ? e.message : String(e)),
);
if (missing !== null && process.env['CI'] && process.env['CI'] !== 'false') throw new Error(`CI runs the relay shutdown test against a real broker, but: ${missing}`);
if (missing !== null) console.warn(`relay shutdown (Kafka down) test skipped: ${missing}`);

describe.skipIf(missing !== null)('the built relay process when Kafka is down (own broker)', () => {
  const root = mkdtempSync(join(tmpdir(), 'relay-kafka-down-'));
  const dataDir = join(root, 'data');
  const runs: RelayRun[] = [];
  let broker: KafkaLocalOptions | undefined;
  let brokers: readonly string[];
  let store: EventStore;

  beforeAll(async () => {
    const [port, controllerPort] = await freePorts(2);
    broker = { stateDir: join(root, 'kafka'), port, controllerPort };
    brokers = (await start(broker)).brokers;
    mkdirSync(dataDir, { recursive: true });
    store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  }, 180_000);
  afterAll(async () => {
    for (const run of runs) run.kill('SIGKILL');
    await store?.close();
    if (broker) await stop(broker, { signal: 'SIGKILL' });
    rmSync(root, { recursive: true, force: true });
  });

  it('on SIGTERM with sends stuck in the client retries, exits within the drain timeout (exit 1) without moving its checkpoint; the restart publishes everything', { timeout: 240_000 }, async () => {
    expect(existsSync(builtRelay), `${builtRelay} is missing: build first (npx nx run @npo/event-relay:build)`).toBe(true);
    const topic = unique('relay-kafka-down');
    await appendLoad(store, 500, 20, 5);
    const first = runBuiltRelay(dataDir, brokers, topic);
    runs.push(first);
    const acknowledged = await store.headPosition();
    await waitFor('the backlog to be published', async () => (await savedPosition(dataDir, topic)) >= acknowledged, 90_000);

    await stop(broker, { signal: 'SIGKILL' });
    const linesBefore = first.lines().length;
    await appendLoad(store, 300, 20, 5, 1_000);
    // The new events are read and handed to the producers, whose client now retries them against
    // the dead broker (for far longer than the drain timeout); its errors show in the relay's log.
    await waitFor('the relay to try publishing to the dead broker', () => first.lines().slice(linesBefore).some((l) => l['component'] === 'kafka'), 30_000);

    const sigterm = performance.now();
    first.kill('SIGTERM');
    const exit = await first.exited;
    const shutdownMs = performance.now() - sigterm;
    console.info(`relay SIGTERMed with Kafka down: exited after ${Math.round(shutdownMs)} ms`);
    expect(exit, first.output()).toEqual({ code: 1, signal: null });
    // The drain timeout plus closing the status server and the store; kafkajs alone retries ~45 s.
    expect(shutdownMs).toBeLessThan(RELAY_STOP_TIMEOUT_MS + 10_000);
    expect(await savedPosition(dataDir, topic)).toBe(acknowledged);

    // What it abandoned was never checkpointed, so the next run publishes it: nothing is missing.
    brokers = (await start(broker)).brokers;
    const second = runBuiltRelay(dataDir, brokers, topic);
    runs.push(second);
    const head = await store.headPosition();
    await waitFor('the restarted relay to publish the rest', async () => (await savedPosition(dataDir, topic)) >= head, 120_000);
    second.kill('SIGTERM');
    expect(await second.exited, second.output()).toEqual({ code: 0, signal: null });
    const all = await store.readAll();
    const published = await readTopic(createKafkaMessaging({ brokers, clientId: 'relay-kafka-down-int' }), topic, all.length);
    expect(new Set(published.events.map((e) => e.id))).toEqual(new Set(all.map((e) => e.id)));
  });
});
