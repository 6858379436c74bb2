import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@npo/analytics-model/testing';
import { openSqliteEventStore, type EventStore } from '@npo/event-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEqualToStore } from './support/analytics-state.js';
import { CommandDriver } from './support/command-driver.js';
import { kafka, messaging, skipReason, unique, waitFor } from './support/kafka.js';
import { drained, relayCheckpoint } from './support/pipeline.js';
import { scrape, startAnalyticsProcess, startProjectorProcess, startRelayProcess, type Child } from './support/processes.js';

/*
 * The whole full-mode path with the real pieces: commands decided by the domain and appended to a
 * SQLite store file -> the built relay (own process) -> the real broker -> the Kafka-fed projector
 * (own process) -> DuckDB; then DuckDB must equal the store and the embedded-mode projection of it.
 */
describe.skipIf(skipReason !== null)('pipeline: commands -> store -> relay -> Kafka -> DuckDB', () => {
  const dir = tempDir('pipeline');
  const dataDir = join(dir.path, 'data');
  const m = messaging('pipeline-int');
  let store: EventStore;
  const children: Child[] = [];

  beforeAll(async () => {
    mkdirSync(dataDir, { recursive: true });
    store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill('SIGKILL')));
    await store?.close();
    dir.remove();
  });

  it('delivers every event once, in each school’s order, and DuckDB equals the store (count, checksum, facts)', async () => {
    const topic = unique('npo.events.e2e');
    const driver = new CommandDriver(store, 40);
    await driver.run(1_500); // a history before the relay ever ran

    const { relay } = await startRelayProcess({ dataDir, brokers: kafka.brokers, topic });
    children.push(relay);
    const analytics = join(dir.path, 'analytics');
    const projector = startProjectorProcess({ dir: analytics, brokers: kafka.brokers, topic, groupId: unique('analytics') });
    children.push(projector);

    await driver.run(1_500, 1_500); // and live traffic while both run
    await drained(m, store, dataDir, topic, projector);
    expect(await projector.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await relay.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    const all = await store.readAll();
    expect(all).toHaveLength(driver.events);
    const state = await expectEqualToStore(analytics, `kafka:${topic}`, store, join(dir.path, 'reference'));
    for (const table of ['school_version', 'scan', 'choice', 'mr_decision', 'school_allocation', 'evaluation']) expect(state.facts[table]?.rows).toBeGreaterThan(0);
  });

  it('the analytics service started with NPO_FEED=kafka projects the relay topic: its metrics show every event and no lag', async () => {
    const topic = unique('npo.events.service');
    const { relay } = await startRelayProcess({ dataDir, brokers: kafka.brokers, topic });
    children.push(relay);
    // Its own data dir (the DuckDB generations are per directory), the same store file is not needed.
    const serviceDir = join(dir.path, 'service');
    mkdirSync(serviceDir, { recursive: true });
    const { analytics, url } = await startAnalyticsProcess({ dataDir: serviceDir, brokers: kafka.brokers, topic, groupId: unique('analytics-service') });
    children.push(analytics);
    const all = await store.readAll();
    const metric = async (name: string): Promise<number> => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(await (await fetch(`${url}/metrics`, scrape)).text())?.[1]);
    await waitFor(`the service to project ${all.length} events`, async () => (await metric('npo_analytics_projected_events_total')) >= all.length, 90_000);
    expect(await metric('npo_analytics_projected_events_total')).toBe(all.length);
    expect(await metric('npo_analytics_projection_lag_events')).toBe(0);
    expect(await metric('npo_analytics_quarantined_events_total')).toBe(0);
    expect(await analytics.kill('SIGTERM')).toEqual({ code: 0, signal: null }); // closes runtime and consumer, then exits 0
    expect(await relay.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  // The fault suite kills a projector process exactly before a COMMIT; this kills the deployed service
  // (LiveProjection, the feed factory, its consumer group) wherever it happens to be under load.
  it('the analytics service SIGKILLed while it projects under load resumes on its data dir: DuckDB equals the store', { timeout: 240_000 }, async () => {
    const topic = unique('npo.events.service-kill');
    const groupId = unique('analytics-service-kill');
    const driver = new CommandDriver(store, 40, 1_000); // other schools than the first test's, on the same store
    await driver.run(3_000); // a backlog the service is busy with when it is killed
    const { relay } = await startRelayProcess({ dataDir, brokers: kafka.brokers, topic });
    children.push(relay);
    const serviceDir = join(dir.path, 'service-kill');
    mkdirSync(serviceDir, { recursive: true });
    const stopLoad = new AbortController();
    const load = driver.run(20_000, 500, stopLoad.signal);

    const first = await startAnalyticsProcess({ dataDir: serviceDir, brokers: kafka.brokers, topic, groupId });
    children.push(first.analytics);
    const gauge = async (url: string, name: string): Promise<number> =>
      Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(await (await fetch(`${url}/metrics`, scrape)).text())?.[1] ?? Number.NaN);
    await waitFor('the service to be projecting', async () => (await gauge(first.url, 'npo_analytics_projected_events_total')) >= 500, 90_000, 5);
    const before = await gauge(first.url, 'npo_analytics_projected_events_total');
    expect(await first.analytics.kill('SIGKILL')).toMatchObject({ signal: 'SIGKILL' });

    const second = await startAnalyticsProcess({ dataDir: serviceDir, brokers: kafka.brokers, topic, groupId });
    children.push(second.analytics);
    stopLoad.abort();
    await load;
    const all = await store.readAll();
    expect(before).toBeLessThan(all.length);
    const last = all.at(-1)?.globalPosition ?? -1;
    await waitFor('the relay to publish the whole store', async () => (await relayCheckpoint(dataDir, topic)) >= last, 120_000);
    await waitFor('the restarted service to catch up with the topic', async () => (await gauge(second.url, 'npo_analytics_projection_lag_events')) === 0, 120_000);
    expect(await second.analytics.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await relay.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    await expectEqualToStore(join(serviceDir, 'analytics'), `kafka:${topic}`, store, join(dir.path, 'reference-service-kill'));
  });
});
