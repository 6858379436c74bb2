import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { envelopeHeaders } from '@npo/messaging';
import { TokenService } from '@npo/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendLoad } from '../../test/events.js';
import { kafka, messaging, readTopic, skipReason, unique, waitFor } from '../../test/kafka.js';
import { loadRelayConfig } from '../config/relay-config.js';
import { startRelay, type RunningRelay } from '../start-relay.js';

const SCRAPE_TOKEN = 'relay-tests-scrape-token-0123456789abcdef';
const scrape = { headers: { authorization: `Bearer ${SCRAPE_TOKEN}` } };

describe.skipIf(skipReason !== null)('event relay against a real broker', () => {
  const m = messaging();
  let dataDir: string;
  let store: EventStore;
  let running: RunningRelay | undefined;
  let tokens: TokenService;

  const configFor = (topic: string, batch = 500, port = 0) =>
    loadRelayConfig({
      NPO_DATA_DIR: dataDir,
      KAFKA_BROKERS: kafka.brokers.join(','),
      NPO_KAFKA_TOPIC: topic,
      NPO_KAFKA_PARTITIONS: '3',
      NPO_RELAY_PORT: String(port),
      NPO_RELAY_BATCH: String(batch),
      NPO_LOG_LEVEL: 'silent',
      NPO_METRICS_TOKEN: SCRAPE_TOKEN,
    });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'relay-int-'));
    store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    // The data dir's signing key exists before the relay starts, as when the API shares the data dir
    // (the relay verifies admin tokens with it and never makes one).
    tokens = await TokenService.fromDataDir(dataDir);
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes every stored event once, keyed by stream, with the envelope headers, in stream order, and checkpoints the last', async () => {
    const topic = unique('relay');
    const before = (await store.headPosition()) + 1;
    await appendLoad(store, 1_200, 30, 3);
    const head = await store.headPosition();
    running = await startRelay(configFor(topic), { store, messaging: m });
    expect(running.topicCreated).toBe(true);
    await running.relay.reached(head);

    const stored = (await store.readAll({ after: before - 1 })).filter((e) => e.globalPosition <= head);
    const { messages, events, undecodable } = await readTopic(m, topic, stored.length);
    expect(undecodable).toBe(0);
    expect(events.map((e) => e.id).sort()).toEqual(stored.map((e) => e.id).sort());
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    // The value is the store's own serialization of the envelope: every field as readAll returns it.
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...events].sort(byId)).toEqual([...stored].sort(byId));

    for (const message of messages) {
      const event = events.find((e) => e.id === message.headers[envelopeHeaders.eventId]);
      expect(message.key?.toString()).toBe(event?.streamId);
      expect(message.headers[envelopeHeaders.eventType]).toBe(event?.type);
      expect(message.headers[envelopeHeaders.schemaVersion]).toBe(String(event?.schemaVersion));
      expect(message.headers[envelopeHeaders.globalPosition]).toBe(String(event?.globalPosition));
    }
    // One partition per stream, and within it the stream's own order.
    const byStream = new Map<string, { partitions: Set<number>; positions: number[] }>();
    messages.forEach((message, i) => {
      const event = events[i]!;
      const entry = byStream.get(event.streamId) ?? { partitions: new Set(), positions: [] };
      entry.partitions.add(message.partition);
      entry.positions.push(event.streamPosition);
      byStream.set(event.streamId, entry);
    });
    expect(byStream.size).toBe(30);
    for (const { partitions, positions } of byStream.values()) {
      expect(partitions.size).toBe(1);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }

    const saved = JSON.parse(await readFile(running.checkpoint.path, 'utf8')) as { globalPosition: number; topic: string };
    expect(saved).toMatchObject({ topic, globalPosition: head });
  });

  it('resumes from its checkpoint after a clean stop: the next run publishes only what is new', async () => {
    const topic = unique('relay-resume');
    await appendLoad(store, 300, 10, 1, 10_000);
    const firstHead = await store.headPosition();
    running = await startRelay(configFor(topic), { store, messaging: m });
    await running.relay.reached(firstHead);
    expect(await running.close()).toBe('drained');
    running = undefined;

    await appendLoad(store, 200, 10, 1, 20_000);
    const secondHead = await store.headPosition();
    running = await startRelay(configFor(topic), { store, messaging: m });
    expect(running.topicCreated).toBe(false);
    await running.relay.reached(secondHead);

    const all = await store.readAll();
    const { events } = await readTopic(m, topic, all.length);
    expect(events).toHaveLength(all.length);
    expect(events.map((e) => e.id).sort()).toEqual(all.map((e) => e.id).sort());
  });

  it('serves lag, throughput and readiness over HTTP', async () => {
    const topic = unique('relay-metrics');
    running = await startRelay(configFor(topic), { store, messaging: m });
    const head = await store.headPosition();
    await running.relay.reached(head);
    const url = running.url;
    // /metrics: admin (a token of the data dir's key) or the scrape token; health stays public.
    const refused = await fetch(`${url}/metrics`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ type: 'urn:npo:problem:unauthorized', status: 401 });
    const asOcw = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${await tokens.issueToken({ role: 'ocw' })}` } });
    expect(asOcw.status).toBe(403);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${await tokens.issueToken({ role: 'admin' })}` } })).status).toBe(200);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${SCRAPE_TOKEN}x` } })).status).toBe(401);
    const metrics = await (await fetch(`${url}/metrics`, scrape)).text();
    const value = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('npo_relay_checkpoint_position')).toBe(head);
    expect(value('npo_relay_store_head_position')).toBe(head);
    expect(value('npo_relay_lag_positions')).toBe(0);
    expect(value('npo_relay_published_events_total')).toBe((await store.readAll()).length);
    expect(value('npo_relay_events_per_second')).toBeGreaterThan(0);
    expect(metrics).toMatch(/^npo_relay_publish_duration_seconds_count \d+$/m);

    await waitFor('readiness', async () => (await fetch(`${url}/health/ready`)).status === 200);
    expect(await (await fetch(`${url}/health/ready`)).json()).toEqual({ status: 'up', checks: { 'event-store': 'up', kafka: 'up' } });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/nope`)).status).toBe(404);

    // Appends while the relay is stopped show as lag at the next start, before it catches up.
    await running.close();
    running = undefined;
    await appendLoad(store, 50, 5, 1, 30_000);
    const newHead = await store.headPosition();
    const fresh = await startRelay(configFor(topic), { store, messaging: m });
    running = fresh;
    await fresh.relay.reached(newHead);
    const after = await (await fetch(`${fresh.url}/metrics`, scrape)).text();
    expect(Number(/^npo_relay_lag_positions (\S+)$/m.exec(after)?.[1])).toBe(0);
    expect(Number(/^npo_relay_published_events_total (\S+)$/m.exec(after)?.[1])).toBe(50);
  });

  it('binds its status port before anything reaches Kafka: a port in use ends the start before the topic is made, and frees the checkpoint', async () => {
    const topic = unique('relay-port');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      await expect(startRelay(configFor(topic, 500, (taken.address() as AddressInfo).port), { store, messaging: m })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    const admin = m.admin();
    await admin.connect();
    try {
      expect(await admin.describeTopic(topic)).toBeUndefined();
    } finally {
      await admin.disconnect();
    }
    expect(existsSync(join(dataDir, 'event-relay', `${topic}.checkpoint.json`))).toBe(false);
    running = await startRelay(configFor(topic), { store, messaging: m });
    expect(running.topicCreated).toBe(true);
  });

  it('refuses a second relay on the same checkpoint, and runs one for another topic beside it', async () => {
    const topic = unique('relay-twice');
    running = await startRelay(configFor(topic), { store, messaging: m });
    await expect(startRelay(configFor(topic), { store, messaging: m })).rejects.toMatchObject({ code: 'RELAY_LOCKED', holder: { pid: process.pid } });
    const beside = await startRelay(configFor(unique('relay-beside')), { store, messaging: m });
    await beside.relay.reached(await store.headPosition());
    expect(await beside.close()).toBe('drained');
    await running.relay.reached(await store.headPosition());
    expect(running.relay.state).toBe('publishing');
  });

  it('refuses a topic that exists with another partition count', async () => {
    const topic = unique('relay-mismatch');
    const admin = m.admin();
    await admin.connect();
    await admin.ensureTopic({ topic, partitions: 1, replicationFactor: 1 });
    await admin.disconnect();
    await expect(startRelay(configFor(topic), { store, messaging: m })).rejects.toMatchObject({ code: 'TOPIC_MISMATCH' });
  });
});
