import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { checkPrerequisites, freePorts, start, stop, type KafkaLocalOptions } from '@npo/kafka-local';
import { createKafkaMessaging } from '@npo/messaging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELAY_STOP_TIMEOUT_MS } from '../src/relay/event-relay.js';
import { appendLoad } from './events.js';
import { readTopic, unique, waitFor } from './kafka.js';

// The broker is killed in the middle of this test, which would break every other suite using the
// shared one: this file runs a broker of its own (temporary data, free ports).
const missing = await checkPrerequisites().then(
  () => null,
  (e: unknown) => (e instanceof Error ? e.message : String(e)),
);
if (missing !== null && process.env['CI'] && process.env['CI'] !== 'false') throw new Error(`CI runs the relay shutdown test against a real broker, but: ${missing}`);
if (missing !== null) console.warn(`relay shutdown (Kafka down) test skipped: ${missing}`);

const builtRelay = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Run {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly output: () => string;
  /** JSON log lines printed so far. */
  readonly lines: () => readonly Record<string, unknown>[];
  kill(signal: NodeJS.Signals): void;
}

function runBuiltRelay(dataDir: string, brokers: readonly string[], topic: string): Run {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_') && k !== 'KAFKA_BROKERS'));
  const child = spawn(process.execPath, [builtRelay], {
    env: { ...inherited, NPO_DATA_DIR: dataDir, KAFKA_BROKERS: brokers.join(','), NPO_KAFKA_TOPIC: topic, NPO_RELAY_PORT: '0', NPO_RELAY_BATCH: '100', NPO_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout.on('data', (c: Buffer) => {
    output = (output + c.toString()).slice(-16_000);
    const parts = (partial + c.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(part) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-16_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { exited, output: () => output, lines: () => lines, kill: (signal) => child.kill(signal) };
}

async function savedPosition(dataDir: string, topic: string): Promise<number> {
  try {
    return (JSON.parse(await readFile(join(dataDir, 'event-relay', `${topic}.checkpoint.json`), 'utf8')) as { globalPosition: number }).globalPosition;
  } catch {
    return -1;
  }
}

describe.skipIf(missing !== null)('the built relay process when Kafka is down (own broker)', () => {
  const root = mkdtempSync(join(tmpdir(), 'relay-kafka-down-'));
  const dataDir = join(root, 'data');
  const runs: Run[] = [];
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
    expect(shutdownMs).toBeLessThan(RELAY_STOP_TIMEOUT_MS + 5_000);
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
