import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import { refusedPort } from '../../test/support/refused-port.js';
import { collectUntil, newEvent, newEvents, rejectionOf, uniqueStream } from '../contract/contract-helpers.js';
import { eventStoreContract } from '../contract/event-store.contract.js';
import { EventStoreUnavailableError, InvalidArgumentError } from '../errors.js';
import type { ReconnectInfo } from './reconnecting-subscription.js';
import { openKurrentDbEventStore } from './kurrentdb-event-store.js';
import { toKurrentPosition } from './positions.js';

/*
 * The contract suite needs a real KurrentDB (>= 22.6) and runs only when EVENTSTORE_CONNECTION_STRING
 * is set. The server must accept the suite's 2 MB appends, e.g.
 *   docker run -p 2113:2113 -e KURRENTDB_INSECURE=true -e KURRENTDB_MAX_APPEND_SIZE=8388608 kurrentplatform/kurrentdb
 *   EVENTSTORE_CONNECTION_STRING='kurrentdb://127.0.0.1:2113?tls=false' npx vitest run src/kurrentdb
 * The suite's streams are `contract-*`, so it can share a server with the project's own data.
 */
const connectionString = process.env['EVENTSTORE_CONNECTION_STRING'];
const live = connectionString !== undefined && connectionString.length > 0;
if (!live) {
  console.log(
    '[kurrentdb] contract suite SKIPPED: EVENTSTORE_CONNECTION_STRING is not set and no KurrentDB server can run on this machine; ' +
      "set it (e.g. 'kurrentdb://127.0.0.1:2113?tls=false') to run the suite against a real server.",
  );
}

describe('KurrentDB adapter, no server needed', () => {
  it('fails to open on a refused connection as unavailable, without leaking the password', async () => {
    const port = await refusedPort();
    const error = await rejectionOf(openKurrentDbEventStore({ connectionString: `kurrentdb://admin:n0t-leaked@127.0.0.1:${port}?tls=false` }));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/Cannot reach KurrentDB/);
    expect((error as Error).message).not.toContain('n0t-leaked');
  });

  it('refuses a malformed connection string as an invalid argument, without echoing it', async () => {
    const error = await rejectionOf(openKurrentDbEventStore({ connectionString: 'https://admin:n0t-leaked@db:2113' }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ argument: 'connectionString' });
    expect((error as Error).message).not.toContain('n0t-leaked');
  });

  it('refuses appends outside the project streams, and every call once closed', async () => {
    const store = await openKurrentDbEventStore({ connectionString: `kurrentdb://127.0.0.1:${await refusedPort()}?tls=false`, verifyConnection: false });
    const outside = await rejectionOf(store.append('orders-1', newEvents(1), { expectedVersion: 'any' }));
    expect(outside).toMatchObject({ code: 'EVENT_STORE_INVALID_ARGUMENT', argument: 'streamId' });
    await store.close();
    await expect(store.headPosition()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(store.append('school-16SW', newEvents(1), { expectedVersion: 'any' })).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('keeps a subscription reconnecting with growing delays while the server is away, and ends it on abort', async () => {
    const reconnects: ReconnectInfo[] = [];
    const store = await openKurrentDbEventStore({
      connectionString: `kurrentdb://127.0.0.1:${await refusedPort()}?tls=false`,
      verifyConnection: false,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      onReconnect: (info) => reconnects.push(info),
    });
    const controller = new AbortController();
    const batches: unknown[] = [];
    const run = (async () => {
      for await (const batch of store.subscribeToAll({ after: 1_234, signal: controller.signal })) batches.push(batch);
      return 'ended';
    })();
    const deadline = Date.now() + 15_000;
    while (reconnects.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    expect(await run).toBe('ended');
    await store.close();
    expect(batches).toEqual([]);
    expect(reconnects.length).toBeGreaterThanOrEqual(3);
    expect(reconnects.slice(0, 3).map((r) => r.attempt)).toEqual([1, 2, 3]);
    // Equal jitter: attempt n waits between half and all of 20 ms * 2^(n-1).
    reconnects.slice(0, 3).forEach((r, i) => {
      expect(r.delayMs).toBeGreaterThanOrEqual(10 * 2 ** i);
      expect(r.delayMs).toBeLessThanOrEqual(20 * 2 ** i);
    });
    expect(reconnects.every((r) => r.after === 1_234 && r.error instanceof EventStoreUnavailableError)).toBe(true);
  });
});

describe.skipIf(!live)('KurrentDB adapter against a live server', () => {
  const cs = connectionString ?? '';
  const open = () => openKurrentDbEventStore({ connectionString: cs, streamPrefixes: ['contract-'] });

  eventStoreContract('kurrentdb', open);

  it('stores the envelope where KurrentDB tools see it and keeps claim streams out of the global log', async () => {
    const store = await open();
    const client = KurrentDBClient.connectionString(cs);
    try {
      const streamId = uniqueStream('envelope');
      const event = newEvent({ type: 'npo.ScanCompleted', schemaVersion: 3 });
      const head = await store.headPosition();
      await store.append(streamId, [event], { expectedVersion: 'no_stream' });
      const [raw] = await (async () => {
        const out = [];
        for await (const r of client.readStream(streamId)) out.push(r.event);
        return out;
      })();
      expect(raw).toMatchObject({ id: event.id, type: 'npo.ScanCompleted', isJson: true, data: event.data });
      expect(raw?.metadata).toMatchObject({ schemaVersion: 3, occurredAt: event.occurredAt, $correlationId: event.metadata.correlationId });
      expect((await store.readAll({ after: head })).map((e) => e.streamId)).toEqual([streamId]);
    } finally {
      await client.dispose();
      await store.close();
    }
  });

  it('resumes a raw $all subscription from the full position of a delivered event', async () => {
    const store = await open();
    const client = KurrentDBClient.connectionString(cs);
    try {
      const streamId = uniqueStream('resume');
      const r = await store.append(streamId, newEvents(3), { expectedVersion: 'no_stream' });
      const from = toKurrentPosition(r.events[0]!.globalPosition);
      const ids: string[] = [];
      for await (const resolved of client.readAll({ fromPosition: from, maxCount: 3 })) {
        if (resolved.event?.streamId === streamId) ids.push(resolved.event.id);
      }
      // A forward read from an event's own position starts at that event.
      expect(ids).toEqual(r.events.map((e) => e.id));
      const after = await collectUntil(store, { after: r.events[0]!.globalPosition }, (seen) => seen.length >= 2);
      expect(after.events.map((e) => e.id)).toEqual(r.events.slice(1).map((e) => e.id));
    } finally {
      await client.dispose();
      await store.close();
    }
  });
});
