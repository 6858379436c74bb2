import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventStore } from '@npo/event-store';
import { afterAll, describe, expect, it } from 'vitest';
import { appendLoad } from './events.js';
import { builtRelay, runBuiltRelay, savedPosition } from './relay-process.js';
import { kafka, messaging, readTopic, skipReason, unique, waitFor } from './kafka.js';

describe.skipIf(skipReason !== null)('the built relay process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-process-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('on SIGTERM finishes the batch in flight, saves its checkpoint and exits 0: Kafka holds exactly the events up to it, and a restart adds the rest without repeats', async () => {
    expect(existsSync(builtRelay), `${builtRelay} is missing: build first (npx nx run @npo/event-relay:build)`).toBe(true);
    const store = await openSqliteEventStore({ path: join(dataDir, 'events.sqlite') });
    // Enough that the relay is still busy when SIGTERM arrives, well after the first 1,000 (a second at its rate).
    await appendLoad(store, 30_000, 50, 100);
    const head = await store.headPosition();
    const topic = unique('relay-sigterm');
    const m = messaging('relay-process-int');

    const first = runBuiltRelay(dataDir, kafka.brokers, topic);
    await waitFor('some batches to be published', async () => (await savedPosition(dataDir, topic)) >= 1_000);
    first.kill('SIGTERM');
    expect(await first.exited, first.output()).toEqual({ code: 0, signal: null });
    const stoppedAt = await savedPosition(dataDir, topic);
    expect(stoppedAt).toBeLessThan(head); // it really stopped mid-stream

    const upTo = (await store.readAll()).filter((e) => e.globalPosition <= stoppedAt);
    const published = await readTopic(m, topic, upTo.length);
    expect(published.events.map((e) => e.id).sort()).toEqual(upTo.map((e) => e.id).sort());

    const second = runBuiltRelay(dataDir, kafka.brokers, topic);
    await waitFor('the restarted relay to publish the rest', async () => (await savedPosition(dataDir, topic)) >= head);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const all = await store.readAll();
    const everything = await readTopic(m, topic, all.length);
    expect(everything.events).toHaveLength(all.length);
    expect(new Set(everything.events.map((e) => e.id)).size).toBe(all.length);
    await store.close();
  });

  it('refuses a bad configuration with one message naming every variable, and exits 1', async () => {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NPO_')));
    const child = spawn(process.execPath, [builtRelay], { env: { ...inherited, NPO_KAFKA_PARTITIONS: 'many', NPO_RELAY_PORT: '-1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('NPO_KAFKA_PARTITIONS');
    expect(stderr).toContain('NPO_RELAY_PORT');
    expect(stderr).not.toContain('    at '); // no stack trace
  });
});
